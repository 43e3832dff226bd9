//! Request parameters: Withings reads them from an
//! `application/x-www-form-urlencoded` body, and clients also send data calls as
//! query strings, so both are accepted (the body wins). The token endpoint is the
//! exception: it reads the body only, as Withings requires a POST with a body.

use std::collections::HashMap;

use jiff::civil::Date;

use super::reply::Reply;

#[derive(Debug, Default, Clone)]
pub(crate) struct Params {
    merged: HashMap<String, String>,
    body: HashMap<String, String>,
}

fn pairs(text: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(text).into_owned().collect()
}

impl Params {
    pub(crate) fn parse(query: Option<&str>, body: &[u8]) -> Self {
        let body = pairs(body);
        let mut merged = pairs(query.unwrap_or("").as_bytes());
        merged.extend(body.iter().map(|(k, v)| (k.clone(), v.clone())));
        Self { merged, body }
    }

    /// A non-empty parameter from the body or the query.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.merged
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    /// A non-empty parameter from the body alone.
    pub(crate) fn body(&self, name: &str) -> Option<&str> {
        self.body
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub(crate) fn int(&self, name: &str) -> Result<Option<i64>, Reply> {
        self.get(name)
            .map(|v| {
                v.trim()
                    .parse()
                    .map_err(|_| Reply::invalid_params(&format!("invalid {name}")))
            })
            .transpose()
    }

    pub(crate) fn offset(&self) -> Result<usize, Reply> {
        match self.int("offset")? {
            None => Ok(0),
            Some(v) => usize::try_from(v).map_err(|_| Reply::invalid_params("invalid offset")),
        }
    }

    pub(crate) fn date(&self, name: &str) -> Result<Option<Date>, Reply> {
        self.get(name)
            .map(|v| {
                v.trim()
                    .parse::<Date>()
                    .map_err(|_| Reply::invalid_params(&format!("invalid {name}")))
            })
            .transpose()
    }

    /// A comma-separated list, trimmed, empty items dropped.
    pub(crate) fn list(&self, name: &str) -> Option<Vec<String>> {
        self.get(name).map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
    }

    /// A stable rendering of every parameter, for spotting repeated requests.
    pub(crate) fn fingerprint(&self) -> String {
        let mut pairs: Vec<_> = self.merged.iter().collect();
        pairs.sort();
        pairs
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("&")
    }
}
