//! One page of a paginated list endpoint (reference §7).

/// A list body that may continue: while [`Page::more`] is true, the caller sends
/// the same request again with `offset` set to [`Page::offset`].
pub trait Page {
    type Item;

    fn more(&self) -> bool;

    fn offset(&self) -> Option<i64>;

    fn into_items(self) -> Vec<Self::Item>;
}

/// Implements [`Page`] for a body with `more`, `offset` and one list field.
macro_rules! paged_body {
    ($body:ty, $field:ident, $item:ty) => {
        impl $crate::model::page::Page for $body {
            type Item = $item;

            fn more(&self) -> bool {
                self.more
            }

            fn offset(&self) -> Option<i64> {
                self.offset
            }

            fn into_items(self) -> Vec<$item> {
                self.$field
            }
        }
    };
}

pub(crate) use paged_body;
