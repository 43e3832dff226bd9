//! `withings_get_heart_signal`: one ECG recording, its facts always, its waveform
//! only on request and reduced to a stated budget.
//!
//! Heart `get` returns the trace but not when it was taken nor how the device
//! classified it; those live in the heart list, so the tool reads both.

use std::sync::Arc;

use delx_framework::render::{Markdown, ResponseFormat};
use delx_framework::schemars::{self, JsonSchema};
use delx_framework::{CallContext, Tool, ToolAnnotations, ToolError, ToolOutput, async_trait};
use serde::{Deserialize, Serialize};

use super::downsample::{Loss, min_max_indices};
use super::format::{local_minute, number};
use super::{ToolContext, wants_markdown};
use crate::api::ApiError;
use crate::api::endpoints::{HEART_GET, HEART_LIST};
use crate::api::status::StatusFamily;
use crate::model::{HeartRecord, HeartSignal, local_day, local_time};

const DEFAULT_MAX_POINTS: u32 = 500;
const MAX_POINTS: u32 = 5000;
const MIN_POINTS: u32 = 10;
/// Heart list pages read to find a recording's time and class: ECGs are a few a
/// month, so this covers years of them.
const LOOKUP_PAGES: u32 = 10;
/// What the device's AFib class is and is not; said with every classification.
const NOT_A_DIAGNOSIS: &str = "the device's classification, not a diagnosis";

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeartSignalInput {
    /// The recording's `signalid`, as `withings_list_heart` records show it.
    pub signalid: i64,
    /// Also return the waveform (default false: the recording's facts only).
    #[serde(default)]
    pub include_waveform: bool,
    /// The most waveform points to return (10 to 5000, default 500). Longer traces
    /// keep the lowest and highest sample of equal buckets, so peaks survive.
    #[serde(default)]
    #[schemars(range(min = 10, max = 5000))]
    pub max_points: Option<u32>,
    /// `markdown` (default) for people, `json` for programs.
    #[serde(default)]
    pub response_format: Option<ResponseFormat>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct HeartSignalOutput {
    pub signalid: i64,
    /// When the recording was taken: local RFC 3339 time with offset. Null when the
    /// recording is not in the heart list.
    pub time: Option<String>,
    /// The local day of `time`, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// The IANA zone `time` and `date` are in.
    pub timezone: String,
    /// The device's atrial fibrillation classification, when the heart list has it.
    pub afib: Option<Classification>,
    pub heart_rate_bpm: Option<i64>,
    pub device_model: Option<String>,
    /// Length of the recording in seconds.
    pub duration_s: Option<f64>,
    pub sampling_rate_hz: Option<i64>,
    /// Samples in the full recording.
    pub samples: usize,
    /// Where the device was worn or held.
    pub wearposition: Option<Coded>,
    /// The unit of the waveform's values: microvolts.
    pub unit: &'static str,
    /// Present only when `include_waveform` was true.
    pub waveform: Option<Waveform>,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Classification {
    /// `negative`, `positive`, `inconclusive`, or `unknown`.
    pub key: &'static str,
    pub label: &'static str,
    /// Always "the device's classification, not a diagnosis".
    pub note: &'static str,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Coded {
    pub code: i64,
    pub key: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Serialize, JsonSchema)]
pub struct Waveform {
    /// Seconds from the start of the recording, one per value. Null when Withings
    /// did not send the sampling rate.
    pub time_s: Option<Vec<f64>>,
    /// The kept samples, in µV, in time order.
    pub values_uv: Vec<i64>,
    pub loss: Loss,
    /// Returned points per second of recording.
    pub effective_sampling_rate_hz: Option<f64>,
}

pub struct GetHeartSignal(pub Arc<ToolContext>);

#[async_trait]
impl Tool for GetHeartSignal {
    type Input = HeartSignalInput;
    type Output = HeartSignalOutput;

    fn name(&self) -> &'static str {
        "withings_get_heart_signal"
    }
    fn title(&self) -> &'static str {
        "Get one Withings ECG recording"
    }
    fn description(&self) -> &'static str {
        "Returns one ECG recording by its `signalid` (from withings_list_heart): when it was \
         taken in local time, the device's atrial fibrillation classification (the device's, not \
         a diagnosis), heart rate, length, sampling rate, sample count and where the device was \
         worn. Set `include_waveform` to also get the trace in µV, reduced to at most \
         `max_points` points by keeping each bucket's lowest and highest sample, with what was \
         lost stated. Informational only, not medical advice."
    }
    fn annotations(&self) -> ToolAnnotations {
        ToolAnnotations::READ_UPSTREAM
    }

    async fn call(
        &self,
        input: HeartSignalInput,
        _ctx: &dyn CallContext,
    ) -> Result<ToolOutput<HeartSignalOutput>, ToolError> {
        let max_points = input
            .max_points
            .unwrap_or(DEFAULT_MAX_POINTS)
            .clamp(MIN_POINTS, MAX_POINTS) as usize;
        let body = self
            .0
            .client
            .call(&HEART_GET, &[("signalid", input.signalid.to_string())])
            .await
            .map_err(|error| unknown_signal(error, input.signalid))?;
        let signal: HeartSignal = serde_json::from_value(body).map_err(|error| {
            ToolError::upstream(format!("heart get returned an unreadable signal: {error}"))
        })?;
        let timezone = self.0.user_timezone().await?;
        let record = self.list_record(input.signalid).await?;

        let rate = signal.sampling_frequency.filter(|hz| *hz > 0);
        let duration = signal
            .duration_seconds()
            .filter(|_| !signal.signal.is_empty());
        let time = record
            .as_ref()
            .and_then(|r| local_time(r.timestamp, &timezone));
        let date = record
            .as_ref()
            .and_then(|r| local_day(r.timestamp, &timezone));
        let afib = record
            .as_ref()
            .and_then(|r| r.ecg.as_ref())
            .map(|ecg| Classification {
                key: ecg.afib.key(),
                label: ecg.afib.label(),
                note: NOT_A_DIAGNOSIS,
            });
        let waveform = input
            .include_waveform
            .then(|| waveform(&signal.signal, rate, duration, max_points));
        let data = HeartSignalOutput {
            signalid: input.signalid,
            time,
            date,
            timezone,
            afib,
            heart_rate_bpm: signal
                .heart_rate
                .or_else(|| record.as_ref().and_then(|r| r.heart_rate)),
            device_model: signal
                .model
                .or_else(|| record.as_ref().and_then(|r| r.model))
                .and_then(|model| model.name())
                .map(str::to_owned),
            duration_s: duration.map(|d| (d * 1000.0).round() / 1000.0),
            sampling_rate_hz: rate,
            samples: signal.signal.len(),
            wearposition: signal.wearposition.map(|p| Coded {
                code: p.code(),
                key: p.key(),
                label: p.label(),
            }),
            unit: "µV",
            waveform,
        };
        let mut output = ToolOutput::new(data);
        if wants_markdown(input.response_format) {
            let text = markdown(&output.data, record.as_ref());
            output = output.with_markdown(text);
        }
        Ok(output)
    }
}

impl GetHeartSignal {
    /// The heart list record of `signalid`, if the list holds it within the page cap.
    async fn list_record(&self, signalid: i64) -> Result<Option<HeartRecord>, ToolError> {
        let listing = self.0.client.list(&HEART_LIST, &[], LOOKUP_PAGES).await?;
        Ok(listing
            .records
            .into_iter()
            .filter_map(|record| serde_json::from_value::<HeartRecord>(record).ok())
            .find(|record| record.ecg.as_ref().is_some_and(|e| e.signalid == signalid)))
    }
}

/// Withings answers an unknown signal id with an "invalid params" status.
fn unknown_signal(error: ApiError, signalid: i64) -> ToolError {
    match error {
        ApiError::Status {
            family: StatusFamily::InvalidParams,
            ..
        } => ToolError::invalid_input(format!(
            "Withings has no ECG recording with signal id {signalid}"
        ))
        .with_next_step(
            "Call withings_list_heart for the period and use the `signalid` of one of its records.",
        ),
        other => other.into(),
    }
}

fn waveform(
    samples: &[i64],
    rate: Option<i64>,
    duration: Option<f64>,
    max_points: usize,
) -> Waveform {
    let (kept, method) = min_max_indices(samples, max_points);
    let time_s = rate.map(|hz| {
        kept.iter()
            .map(|&index| (index as f64 / hz as f64 * 10_000.0).round() / 10_000.0)
            .collect()
    });
    let values_uv = kept.iter().map(|&index| samples[index]).collect();
    let loss = Loss::new(samples.len(), kept.len(), method);
    let effective = duration
        .filter(|d| *d > 0.0)
        .map(|d| (kept.len() as f64 / d * 100.0).round() / 100.0);
    Waveform {
        time_s,
        values_uv,
        loss,
        effective_sampling_rate_hz: effective,
    }
}

fn markdown(data: &HeartSignalOutput, record: Option<&HeartRecord>) -> String {
    let mut text = Markdown::new().title(&format!("Withings ECG {}", data.signalid));
    text = match record {
        Some(record) => text.field(
            "Taken",
            format!(
                "{} ({})",
                local_minute(record.timestamp, &data.timezone),
                data.timezone
            ),
        ),
        None => {
            text.bullet("Not found in the heart list, so its time and classification are unknown.")
        }
    };
    if let Some(afib) = &data.afib {
        text = text.field("Classification", format!("{} ({})", afib.label, afib.note));
    }
    text = text.field_opt(
        "Heart rate",
        data.heart_rate_bpm.map(|hr| format!("{hr} bpm")),
    );
    let mut recording = Vec::new();
    if let Some(duration) = data.duration_s {
        recording.push(format!("{} s", number(duration, 1)));
    }
    if let Some(rate) = data.sampling_rate_hz {
        recording.push(format!("at {rate} Hz"));
    }
    recording.push(format!("{} samples", data.samples));
    if let Some(position) = &data.wearposition {
        recording.push(position.label.to_lowercase());
    }
    if let Some(model) = &data.device_model {
        recording.push(model.clone());
    }
    text = text.field("Recording", recording.join(", "));
    if let Some(wave) = &data.waveform {
        let how = match wave.loss.method {
            "none" => "every sample".to_owned(),
            _ => format!(
                "lowest and highest sample of each bucket, 1 point per {} samples",
                number(wave.loss.factor, 1)
            ),
        };
        text = text.field(
            "Waveform",
            format!(
                "{} of {} samples in µV ({how}), in the structured result",
                wave.loss.returned_points, wave.loss.original_samples
            ),
        );
    }
    text.line("Informational only, not medical advice.").build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_waveform_states_its_loss_and_effective_rate() {
        let samples: Vec<i64> = (0..9000).map(|i| ((i * 37) % 101) as i64 - 50).collect();
        let wave = waveform(&samples, Some(300), Some(30.0), 500);
        assert_eq!(wave.values_uv.len(), 500);
        assert_eq!(wave.loss.original_samples, 9000);
        assert_eq!(wave.loss.returned_points, 500);
        assert_eq!(wave.loss.factor, 18.0);
        assert_eq!(wave.loss.method, "min_max_per_bucket");
        assert_eq!(wave.effective_sampling_rate_hz, Some(16.67));
        let times = wave.time_s.unwrap();
        assert_eq!(times.len(), 500);
        assert!(times.windows(2).all(|w| w[0] < w[1]));
        assert!(*times.last().unwrap() < 30.0);
        assert_eq!(wave.values_uv.iter().max(), samples.iter().max());
        assert_eq!(wave.values_uv.iter().min(), samples.iter().min());
    }

    #[test]
    fn a_short_trace_is_kept_whole_without_times_when_the_rate_is_unknown() {
        let wave = waveform(&[1, 2, 3], None, None, 500);
        assert_eq!(wave.values_uv, vec![1, 2, 3]);
        assert_eq!(wave.loss.method, "none");
        assert!(wave.time_s.is_none() && wave.effective_sampling_rate_hz.is_none());
    }
}
