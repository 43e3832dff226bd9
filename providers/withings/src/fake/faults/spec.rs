//! The `--fault` syntax of the command line and of `POST /__faults`.

use std::str::FromStr;
use std::time::Duration;

use super::{Fault, FaultKind, FaultTarget};

/// Parses the command line's fault syntax: comma-separated settings, one of
/// `status=CODE` (with an optional `wait=SECONDS` and `error=MESSAGE`),
/// `http=CODE`, `non-json` or `delay-ms=MS`, and optionally `action=NAME`,
/// `path=PATH` and `times=N`. For example `status=601,wait=30,action=getmeas`,
/// `http=502,times=3`, `delay-ms=2000,path=v2/sleep`.
impl FromStr for Fault {
    type Err = String;

    fn from_str(spec: &str) -> Result<Self, Self::Err> {
        let number = |key: &str, value: Option<&str>| -> Result<i64, String> {
            value
                .and_then(|v| v.trim().parse().ok())
                .ok_or_else(|| format!("fault setting {key} needs a number"))
        };
        let mut fault: Option<Fault> = None;
        let (mut target, mut times, mut wait, mut error) = (FaultTarget::Any, None, None, None);
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (key, value) = match part.split_once('=') {
                Some((key, value)) => (key.trim(), Some(value)),
                None => (part, None),
            };
            let kind = match key {
                "status" => Some(Fault::status(number(key, value)?)),
                "http" => Some(Fault::http(
                    u16::try_from(number(key, value)?).map_err(|_| "http status out of range")?,
                )),
                "non-json" => Some(Fault::non_json()),
                "delay-ms" => Some(Fault::delay(Duration::from_millis(
                    number(key, value)?.max(0) as u64,
                ))),
                "wait" => {
                    wait = Some(number(key, value)?.max(0) as u64);
                    None
                }
                "times" => {
                    times =
                        Some(u32::try_from(number(key, value)?).map_err(|_| "times out of range")?);
                    None
                }
                "action" => {
                    target = FaultTarget::Action(value.unwrap_or("").trim().to_owned());
                    None
                }
                "path" => {
                    target =
                        FaultTarget::Path(value.unwrap_or("").trim().trim_matches('/').to_owned());
                    None
                }
                "error" => {
                    error = value.map(str::to_owned);
                    None
                }
                other => return Err(format!("unknown fault setting {other:?}")),
            };
            if kind.is_some() && fault.is_some() {
                return Err("one kind of fault per --fault".to_owned());
            }
            fault = fault.or(kind);
        }
        let mut fault = fault.ok_or("a fault needs status=, http=, non-json or delay-ms=")?;
        if let FaultKind::Status {
            wait_seconds,
            error: message,
            ..
        } = &mut fault.kind
        {
            *wait_seconds = wait;
            if let Some(error) = error {
                *message = error;
            }
        }
        fault.target = target;
        fault.times = times;
        Ok(fault)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_syntax_parses() {
        let fault: Fault = "status=601,wait=30,action=getmeas,times=2"
            .parse()
            .expect("parses");
        assert_eq!(fault.target, FaultTarget::Action("getmeas".into()));
        assert_eq!(fault.times, Some(2));
        assert!(matches!(
            fault.kind,
            FaultKind::Status {
                status: 601,
                wait_seconds: Some(30),
                ..
            }
        ));
        let fault: Fault = "http=502,path=/v2/sleep/".parse().expect("parses");
        assert_eq!(fault.kind, FaultKind::Http(502));
        assert_eq!(fault.target, FaultTarget::Path("v2/sleep".into()));
        assert!("non-json".parse::<Fault>().is_ok());
        assert_eq!(
            "delay-ms=250".parse::<Fault>().map(|f| f.kind),
            Ok(FaultKind::Delay(Duration::from_millis(250)))
        );
        assert!("times=2".parse::<Fault>().is_err());
        assert!("status=abc".parse::<Fault>().is_err());
        assert!("status=500,http=502".parse::<Fault>().is_err());
        assert!("bogus=1".parse::<Fault>().is_err());
    }
}
