//! Measure types (reference §4.1) and the `value × 10^unit` encoding (§5).
//!
//! Keys are what tools accept as filters and show in outputs, so they are stable
//! snake_case names that never change once published; labels are for people.

use serde::Serialize;

use super::code::code_table;

code_table! {
    /// A measure type: `type` in a getmeas measure, `meastype` in a request.
    pub enum MeasureType {
        Weight = 1, "weight", "Weight";
        Height = 4, "height", "Height";
        FatFreeMass = 5, "fat_free_mass", "Fat-free mass";
        FatRatio = 6, "fat_ratio", "Fat ratio";
        FatMass = 8, "fat_mass", "Fat mass";
        DiastolicBp = 9, "diastolic_bp", "Diastolic blood pressure";
        SystolicBp = 10, "systolic_bp", "Systolic blood pressure";
        HeartPulse = 11, "heart_pulse", "Heart pulse";
        Temperature = 12, "temperature", "Temperature";
        Spo2 = 54, "spo2", "SpO2";
        BodyTemperature = 71, "body_temperature", "Body temperature";
        SkinTemperature = 73, "skin_temperature", "Skin temperature";
        MuscleMass = 76, "muscle_mass", "Muscle mass";
        /// Water mass in kg, as the spec says; some clients wrongly show a percentage.
        Hydration = 77, "hydration", "Hydration (water mass)";
        BoneMass = 88, "bone_mass", "Bone mass";
        PulseWaveVelocity = 91, "pulse_wave_velocity", "Pulse wave velocity";
        Vo2Max = 123, "vo2_max", "VO2 max";
        /// A class, not a quantity: see [`AfibClass`](super::AfibClass).
        AtrialFibrillation = 130, "atrial_fibrillation", "Atrial fibrillation result";
        QrsInterval = 135, "qrs_interval", "QRS interval";
        PrInterval = 136, "pr_interval", "PR interval";
        QtInterval = 137, "qt_interval", "QT interval";
        CorrectedQtInterval = 138, "corrected_qt_interval", "Corrected QT interval";
        /// A class, not a quantity.
        AtrialFibrillationPpg = 139, "atrial_fibrillation_ppg", "Atrial fibrillation result from PPG";
        VascularAge = 155, "vascular_age", "Vascular age";
        NerveHealthScoreLeftFoot = 158, "nerve_health_score_left_foot", "Nerve health score, left foot";
        NerveHealthScoreRightFoot = 159, "nerve_health_score_right_foot", "Nerve health score, right foot";
        NerveHealthScoreFeet = 167, "nerve_health_score_feet", "Nerve health score, feet (conductance, 2 electrodes)";
        ExtracellularWater = 168, "extracellular_water", "Extracellular water";
        IntracellularWater = 169, "intracellular_water", "Intracellular water";
        VisceralFat = 170, "visceral_fat", "Visceral fat index";
        /// Per body part: the measure's `position` says which.
        SegmentalFatFreeMass = 173, "segmental_fat_free_mass", "Fat-free mass (segmental)";
        SegmentalFatMass = 174, "segmental_fat_mass", "Fat mass (segmental)";
        SegmentalMuscleMass = 175, "segmental_muscle_mass", "Muscle mass (segmental)";
        ElectrodermalActivityFeet = 196, "electrodermal_activity_feet", "Electrodermal activity, feet";
        ElectrodermalActivityLeftFoot = 197, "electrodermal_activity_left_foot", "Electrodermal activity, left foot";
        ElectrodermalActivityRightFoot = 198, "electrodermal_activity_right_foot", "Electrodermal activity, right foot";
        BasalMetabolicRate = 226, "basal_metabolic_rate", "Basal metabolic rate";
        MetabolicAge = 227, "metabolic_age", "Metabolic age";
        ElectrochemicalSkinConductance = 229, "electrochemical_skin_conductance", "Electrochemical skin conductance";
    }
}

impl MeasureType {
    /// The unit of the decoded value; `""` for scores, indices, classes and unknown
    /// types.
    pub fn unit(self) -> &'static str {
        use MeasureType::*;
        match self {
            Weight | FatFreeMass | FatMass | MuscleMass | Hydration | BoneMass
            | ExtracellularWater | IntracellularWater | SegmentalFatFreeMass | SegmentalFatMass
            | SegmentalMuscleMass => "kg",
            Height => "m",
            FatRatio | Spo2 => "%",
            DiastolicBp | SystolicBp => "mmHg",
            HeartPulse => "bpm",
            Temperature | BodyTemperature | SkinTemperature => "°C",
            PulseWaveVelocity => "m/s",
            Vo2Max => "ml/min/kg",
            QrsInterval | PrInterval | QtInterval | CorrectedQtInterval => "ms",
            VascularAge | MetabolicAge => "years",
            BasalMetabolicRate => "kcal/day",
            // [INFER] in the reference: values like 54897 × 10^-3 read as microsiemens.
            ElectrodermalActivityFeet
            | ElectrodermalActivityLeftFoot
            | ElectrodermalActivityRightFoot => "µS",
            AtrialFibrillation
            | AtrialFibrillationPpg
            | NerveHealthScoreLeftFoot
            | NerveHealthScoreRightFoot
            | NerveHealthScoreFeet
            | VisceralFat
            | ElectrochemicalSkinConductance
            | Unknown(_) => "",
        }
    }

    /// Whether the value is a class from a table rather than a quantity.
    pub fn is_classification(self) -> bool {
        matches!(self, Self::AtrialFibrillation | Self::AtrialFibrillationPpg)
    }

    /// Whether the measure is per body part, told apart by `position`.
    pub fn is_segmental(self) -> bool {
        matches!(
            self,
            Self::SegmentalFatFreeMass | Self::SegmentalFatMass | Self::SegmentalMuscleMass
        )
    }

    /// Everything a decoded record shows about the type.
    pub fn info(self) -> MeasureTypeInfo {
        MeasureTypeInfo {
            code: self.code(),
            key: self.key(),
            label: self.label(),
            unit: self.unit(),
        }
    }

    /// Reads a user-supplied type, as tool filters take it: a key (`"weight"`,
    /// case and surrounding space ignored, `-` read as `_`) or a numeric code
    /// (`"1"`, which may also name a code outside the table).
    pub fn parse(text: &str) -> Result<Self, UnknownMeasureType> {
        let wanted = text.trim().to_ascii_lowercase().replace('-', "_");
        if let Ok(code) = wanted.parse::<i64>() {
            return Ok(Self::from_code(code));
        }
        Self::ALL
            .iter()
            .copied()
            .find(|known| known.key() == wanted)
            .ok_or_else(|| UnknownMeasureType(text.to_owned()))
    }

    /// The keys [`MeasureType::parse`] accepts, in table order.
    pub fn keys() -> impl Iterator<Item = &'static str> {
        Self::ALL.iter().map(|known| known.key())
    }
}

impl std::str::FromStr for MeasureType {
    type Err = UnknownMeasureType;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// A measure type as decoded records show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MeasureTypeInfo {
    pub code: i64,
    pub key: &'static str,
    pub label: &'static str,
    pub unit: &'static str,
}

/// A user asked for a measure type by a name no type has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown measure type {0:?}; use a numeric code or one of: {keys}", keys = valid_keys())]
pub struct UnknownMeasureType(pub String);

fn valid_keys() -> String {
    MeasureType::keys().collect::<Vec<_>>().join(", ")
}

/// `value × 10^unit`, the encoding of every getmeas measure and the getgoals weight.
///
/// A negative exponent divides by an exact power of ten instead of multiplying by
/// an inexact `0.001`, so the result is the f64 nearest the decimal Withings meant:
/// `decode_value(118003, -3) == 118.003` holds exactly.
pub fn decode_value(value: i64, unit: i64) -> f64 {
    let mantissa = value as f64;
    let power = usize::try_from(unit.unsigned_abs())
        .ok()
        .and_then(|exponent| EXACT_POWERS_OF_TEN.get(exponent).copied());
    match power {
        Some(power) if unit >= 0 => mantissa * power,
        Some(power) => mantissa / power,
        // No real exponent is this large; stay finite-or-infinite without panicking.
        None => {
            mantissa
                * 10f64.powi(i32::try_from(unit).unwrap_or(if unit < 0 {
                    i32::MIN
                } else {
                    i32::MAX
                }))
        }
    }
}

/// Every power of ten an f64 holds exactly (10^22 is the last).
const EXACT_POWERS_OF_TEN: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

#[cfg(test)]
mod tests {
    use super::*;

    /// One representative raw (value, unit) per known type and the value it means,
    /// using the typical exponents of the reference table.
    fn expected(kind: MeasureType) -> (i64, i64, f64) {
        use MeasureType::*;
        match kind {
            Weight => (118003, -3, 118.003),
            Height => (1823, -3, 1.823),
            FatFreeMass => (5891, -2, 58.91),
            FatRatio => (21533, -3, 21.533),
            FatMass => (1605, -2, 16.05),
            DiastolicBp => (89, 0, 89.0),
            SystolicBp => (10900, -2, 109.0),
            HeartPulse => (88, 0, 88.0),
            Temperature => (3710, -2, 37.1),
            Spo2 => (97, 0, 97.0),
            BodyTemperature => (36812, -3, 36.812),
            SkinTemperature => (3345, -2, 33.45),
            MuscleMass => (5601, -2, 56.01),
            Hydration => (4012, -2, 40.12),
            BoneMass => (290, -2, 2.9),
            PulseWaveVelocity => (7543, -3, 7.543),
            Vo2Max => (412, -1, 41.2),
            AtrialFibrillation => (0, 0, 0.0),
            QrsInterval => (96, 0, 96.0),
            PrInterval => (158, 0, 158.0),
            QtInterval => (382, 0, 382.0),
            CorrectedQtInterval => (405, 0, 405.0),
            AtrialFibrillationPpg => (1, 0, 1.0),
            VascularAge => (415, -1, 41.5),
            NerveHealthScoreLeftFoot => (72, 0, 72.0),
            NerveHealthScoreRightFoot => (68, 0, 68.0),
            NerveHealthScoreFeet => (70, 0, 70.0),
            ExtracellularWater => (1723, -2, 17.23),
            IntracellularWater => (2289, -2, 22.89),
            VisceralFat => (85, -1, 8.5),
            SegmentalFatFreeMass => (4000, -2, 40.0),
            SegmentalFatMass => (512, -2, 5.12),
            SegmentalMuscleMass => (2475, -2, 24.75),
            ElectrodermalActivityFeet => (54897, -3, 54.897),
            ElectrodermalActivityLeftFoot => (61002, -3, 61.002),
            ElectrodermalActivityRightFoot => (58250, -3, 58.25),
            BasalMetabolicRate => (1834, 0, 1834.0),
            MetabolicAge => (39, 0, 39.0),
            ElectrochemicalSkinConductance => (65, 0, 65.0),
            Unknown(_) => unreachable!("only known types are listed"),
        }
    }

    #[test]
    fn every_known_type_decodes_with_its_name_and_unit() {
        assert_eq!(MeasureType::ALL.len(), 39, "the whole §4.1 table");
        for &kind in MeasureType::ALL {
            let (value, unit, meant) = expected(kind);
            assert_eq!(decode_value(value, unit), meant, "{kind:?}");
            let info = kind.info();
            assert_eq!(MeasureType::from_code(info.code), kind);
            assert!(!info.key.is_empty() && !info.label.is_empty(), "{kind:?}");
            assert_eq!(MeasureType::parse(info.key), Ok(kind));
        }
    }

    #[test]
    fn units_follow_the_reference_table() {
        let cases = [
            (1, "kg"),
            (4, "m"),
            (6, "%"),
            (9, "mmHg"),
            (10, "mmHg"),
            (11, "bpm"),
            (12, "°C"),
            (54, "%"),
            (71, "°C"),
            (77, "kg"),
            (91, "m/s"),
            (123, "ml/min/kg"),
            (135, "ms"),
            (155, "years"),
            (170, ""),
            (173, "kg"),
            (226, "kcal/day"),
            (130, ""),
        ];
        for (code, unit) in cases {
            assert_eq!(MeasureType::from_code(code).unit(), unit, "type {code}");
        }
    }

    #[test]
    fn keys_named_in_the_issue_exist() {
        let named = [
            ("weight", 1),
            ("fat_ratio", 6),
            ("diastolic_bp", 9),
            ("systolic_bp", 10),
            ("heart_pulse", 11),
            ("spo2", 54),
            ("muscle_mass", 76),
            ("hydration", 77),
            ("bone_mass", 88),
            ("pulse_wave_velocity", 91),
            ("vo2_max", 123),
            ("visceral_fat", 170),
            ("basal_metabolic_rate", 226),
        ];
        for (key, code) in named {
            assert_eq!(
                MeasureType::parse(key).map(MeasureType::code),
                Ok(code),
                "{key}"
            );
        }
    }

    #[test]
    fn decoding_handles_every_exponent_sign_without_drift() {
        assert_eq!(decode_value(118003, -3), 118.003);
        assert_eq!(decode_value(7050, -2), 70.5);
        assert_eq!(decode_value(705, -1), 70.5);
        assert_eq!(decode_value(1181234, -4), 118.1234);
        assert_eq!(decode_value(12, 2), 1200.0);
        assert_eq!(decode_value(-4, -1), -0.4);
        assert_eq!(decode_value(0, -3), 0.0);
        assert!(decode_value(1, i64::MIN).is_finite());
        assert!(decode_value(1, i64::MAX).is_infinite());
    }

    #[test]
    fn unknown_codes_decode_and_keep_their_number() {
        let unknown = MeasureType::from_code(26);
        assert_eq!(unknown, MeasureType::Unknown(26));
        assert_eq!(unknown.code(), 26);
        assert_eq!(unknown.unit(), "");
        let parsed: MeasureType = serde_json::from_str("26").unwrap();
        assert_eq!(parsed, unknown);
        assert_eq!(serde_json::to_string(&parsed).unwrap(), "26");
    }

    #[test]
    fn user_supplied_types_parse_by_key_or_code() {
        assert_eq!("weight".parse(), Ok(MeasureType::Weight));
        assert_eq!(MeasureType::parse(" Fat-Ratio "), Ok(MeasureType::FatRatio));
        assert_eq!(MeasureType::parse("1"), Ok(MeasureType::Weight));
        assert_eq!(MeasureType::parse("26"), Ok(MeasureType::Unknown(26)));
        let error = MeasureType::parse("wieght").unwrap_err();
        let message = error.to_string();
        assert!(message.contains("\"wieght\""), "{message}");
        assert!(
            message.contains("weight, height, fat_free_mass"),
            "{message}"
        );
        assert!(message.contains("basal_metabolic_rate"), "{message}");
    }
}
