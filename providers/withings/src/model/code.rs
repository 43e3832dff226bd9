//! Withings' integer code tables, and how they read.
//!
//! Every table shares one rule: a code the table does not know decodes as
//! `Unknown(code)` and keeps its number, because Withings ships new codes without
//! notice (attrib 10000, meastype 26, new device models) and one new code must never
//! fail a whole page. On the wire a code stays the integer it arrived as; in decoded
//! records it reads as [`Described`] (`{code, key, label}`).

use serde::{Serialize, Serializer};

/// One code as decoded records show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Described {
    pub code: i64,
    /// Stable snake_case name; `"unknown"` for a code outside the table.
    pub key: &'static str,
    pub label: &'static str,
}

/// What every code table offers; lets generic code list, look up and describe codes.
pub trait CodeTable: Copy + Sized + 'static {
    /// Every code the table knows, in table order.
    const KNOWN: &'static [Self];

    fn from_code(code: i64) -> Self;
    fn code(self) -> i64;
    fn key(self) -> &'static str;
    fn label(self) -> &'static str;

    fn is_known(self) -> bool {
        Self::KNOWN.iter().any(|known| known.code() == self.code())
    }

    /// The first known code with this key (aliases share a key; the first wins).
    fn from_key(key: &str) -> Option<Self> {
        Self::KNOWN.iter().copied().find(|known| known.key() == key)
    }

    fn describe(self) -> Described {
        Described {
            code: self.code(),
            key: self.key(),
            label: self.label(),
        }
    }
}

/// `serialize_with` for a code in a decoded record.
pub fn described<T: CodeTable, S: Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    value.describe().serialize(serializer)
}

/// `serialize_with` for an optional code in a decoded record.
pub fn described_opt<T: CodeTable, S: Serializer>(
    value: &Option<T>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    value.map(CodeTable::describe).serialize(serializer)
}

/// Declares a code table: an enum with one variant per known code plus
/// `Unknown(i64)`, (de)serialized as the bare integer, with [`CodeTable`] and the
/// same methods inherent so callers need no trait import.
macro_rules! code_table {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$variant_meta:meta])*
                $variant:ident = $code:literal, $key:literal, $label:literal;
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[serde(from = "i64", into = "i64")]
        $vis enum $name {
            $( $(#[$variant_meta])* $variant, )+
            /// A code outside the table: kept, never an error.
            Unknown(i64),
        }

        impl $name {
            /// Every code the table knows, in table order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn from_code(code: i64) -> Self {
                match code {
                    $($code => Self::$variant,)+
                    other => Self::Unknown(other),
                }
            }

            pub fn code(self) -> i64 {
                match self {
                    $(Self::$variant => $code,)+
                    Self::Unknown(code) => code,
                }
            }

            pub fn key(self) -> &'static str {
                match self {
                    $(Self::$variant => $key,)+
                    Self::Unknown(_) => "unknown",
                }
            }

            pub fn label(self) -> &'static str {
                match self {
                    $(Self::$variant => $label,)+
                    Self::Unknown(_) => "Unknown",
                }
            }

            pub fn is_known(self) -> bool {
                !matches!(Self::from_code(self.code()), Self::Unknown(_))
            }

            pub fn describe(self) -> $crate::model::code::Described {
                $crate::model::code::CodeTable::describe(self)
            }
        }

        impl $crate::model::code::CodeTable for $name {
            const KNOWN: &'static [Self] = Self::ALL;

            fn from_code(code: i64) -> Self {
                Self::from_code(code)
            }

            fn code(self) -> i64 {
                self.code()
            }

            fn key(self) -> &'static str {
                self.key()
            }

            fn label(self) -> &'static str {
                self.label()
            }
        }

        impl From<i64> for $name {
            fn from(code: i64) -> Self {
                Self::from_code(code)
            }
        }

        impl From<$name> for i64 {
            fn from(value: $name) -> i64 {
                value.code()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                match self {
                    Self::Unknown(code) => write!(f, "unknown ({code})"),
                    known => f.write_str(known.key()),
                }
            }
        }
    };
}

pub(crate) use code_table;

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::CodeTable;

    /// Every table: codes unique, round trip through the integer, unknowns kept.
    pub(crate) fn check_table<T: CodeTable + PartialEq + std::fmt::Debug>(unique_keys: bool) {
        let mut codes = HashSet::new();
        let mut keys = HashSet::new();
        for known in T::KNOWN {
            assert!(codes.insert(known.code()), "code {} twice", known.code());
            assert!(
                !unique_keys || keys.insert(known.key()),
                "key {} twice",
                known.key()
            );
            assert_eq!(T::from_code(known.code()), *known);
            assert!(known.is_known());
            assert!(!known.key().is_empty() && !known.label().is_empty());
            assert!(
                known
                    .key()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "key {:?} is not snake_case",
                known.key()
            );
            assert_ne!(known.key(), "unknown");
        }
        let unknown = T::from_code(987_654_321);
        assert!(!unknown.is_known());
        assert_eq!(unknown.code(), 987_654_321);
        assert_eq!(unknown.key(), "unknown");
    }

    #[test]
    fn every_code_table_is_consistent() {
        use crate::model::*;
        check_table::<MeasureType>(true);
        check_table::<Category>(true);
        check_table::<Attrib>(false);
        check_table::<Position>(true);
        check_table::<SleepState>(true);
        check_table::<SleepDevice>(true);
        check_table::<NightEventKind>(true);
        check_table::<WorkoutCategory>(true);
        check_table::<AfibClass>(true);
        check_table::<EcgAfib>(true);
        check_table::<DeviceModel>(false);
        check_table::<Brand>(true);
    }
}
