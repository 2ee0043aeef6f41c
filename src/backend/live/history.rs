//! The chart's history: the scaler's CloudWatch metrics (`Buildkite` namespace,
//! ScheduledJobsCount, RunningJobsCount and WaitingJobsCount with the Org and Queue
//! dimensions), all three in one GetMetricData call, one point a minute.

use std::collections::BTreeMap;

use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};

use super::LiveBackend;
use super::errors::Checked;
use crate::domain::BackendError;
use crate::domain::{QueueSample, Timestamp};

pub const NAMESPACE: &str = "Buildkite";
/// (query ID, metric name), in the order of a sample's fields.
pub const METRICS: [(&str, &str); 3] =
    [("scheduled", "ScheduledJobsCount"), ("running", "RunningJobsCount"), ("waiting", "WaitingJobsCount")];

fn query(id: &str, metric: &str, org: &str, queue: &str) -> MetricDataQuery {
    let dim = |k: &str, v: &str| Dimension::builder().name(k).value(v).build();
    let metric = Metric::builder()
        .namespace(NAMESPACE)
        .metric_name(metric)
        .dimensions(dim("Org", org))
        .dimensions(dim("Queue", queue))
        .build();
    let stat = MetricStat::builder().metric(metric).period(60).stat("Average").build();
    MetricDataQuery::builder().id(id).metric_stat(stat).return_data(true).build()
}

impl LiveBackend {
    pub(super) async fn read_history(
        &self,
        stack: &str,
        since: Timestamp,
    ) -> Result<Vec<QueueSample>, BackendError> {
        let known = self.known(stack).await?;
        if !known.publishes_metrics {
            return Err(BackendError::Unconfigured(format!(
                "the scaler of {stack} publishes no CloudWatch metrics (CLOUDWATCH_METRICS is false in its Terraform module): there is no history to chart; the queue's numbers are read live"
            )));
        }
        // The Org dimension is the organization slug, which the metrics API tells.
        let org = match self.org_of(stack) {
            Some(org) => org,
            None => {
                self.read_queue(stack).await?;
                self.org_of(stack).ok_or_else(|| {
                    BackendError::Other("the metrics API did not name the organization".into())
                })?
            }
        };
        let now = crate::clock::Clock::System.now();
        let mut request = self
            .clients
            .cw
            .get_metric_data()
            .start_time(DateTime::from_millis(since.millis()))
            .end_time(DateTime::from_millis(now.millis()))
            .scan_by(ScanBy::TimestampAscending);
        for (id, metric) in METRICS {
            request = request.metric_data_queries(query(id, metric, &org, known.queue_name(stack)?));
        }
        let mut points: BTreeMap<i64, [f64; 3]> = BTreeMap::new();
        let mut pages = request.into_paginator().send();
        while let Some(page) = pages.next().await {
            let page = page.checked(self, stack, "cloudwatch:GetMetricData")?;
            for result in page.metric_data_results() {
                let Some(slot) = METRICS.iter().position(|(id, _)| Some(*id) == result.id()) else {
                    continue;
                };
                for (t, v) in result.timestamps().iter().zip(result.values()) {
                    let Ok(ms) = t.to_millis() else { continue };
                    points.entry(ms).or_default()[slot] = *v;
                }
            }
        }
        Ok(points
            .into_iter()
            .map(|(ms, [scheduled, running, waiting])| QueueSample {
                at: Timestamp(ms),
                scheduled,
                running,
                waiting,
            })
            .collect())
    }
}
