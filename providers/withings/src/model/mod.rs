//! Decoding of Withings data: values, code tables, records.
