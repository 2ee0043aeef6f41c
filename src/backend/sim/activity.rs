//! Scaling activities worded as Auto Scaling words them.

use crate::domain::{ActivityStatus, ScalingActivity, Timestamp};

pub fn launch(id: String, instance: &str, at: Timestamp, cause: String) -> ScalingActivity {
    ScalingActivity {
        id,
        description: format!("Launching a new EC2 instance: {instance}"),
        cause,
        status: ActivityStatus::PreInService,
        status_message: None,
        start: at,
        end: None,
    }
}

pub fn launch_failed(
    id: String,
    instance_type: &str,
    az: &str,
    other_azs: &str,
    at: Timestamp,
    cause: String,
) -> ScalingActivity {
    let reason = format!(
        "We currently do not have sufficient {instance_type} capacity in the Availability Zone you requested ({az}). \
Our system will be working on provisioning additional capacity. You can currently get {instance_type} capacity \
by not specifying an Availability Zone in your request or choosing {other_azs}."
    );
    ScalingActivity {
        id,
        description: format!(
            "Launching a new EC2 instance.  Status Reason: {reason} Launching EC2 instance failed."
        ),
        cause,
        status: ActivityStatus::Failed,
        status_message: Some(format!("{reason} Launching EC2 instance failed.")),
        start: at,
        end: Some(at),
    }
}

pub fn terminate(id: String, instance: &str, at: Timestamp, cause: String) -> ScalingActivity {
    ScalingActivity {
        id,
        description: format!("Terminating EC2 instance: {instance}"),
        cause,
        status: ActivityStatus::InProgress,
        status_message: None,
        start: at,
        end: None,
    }
}

/// Why an instance was launched; the first sentence only when a SetDesiredCapacity call
/// (the scaler's) caused it.
pub fn launch_cause(at: Timestamp, set_desired: Option<(Timestamp, u32, u32)>, from: u32, to: u32) -> String {
    let started = format!(
        "At {} an instance was started in response to a difference between desired and actual capacity, increasing the capacity from {from} to {to}.",
        at.rfc3339()
    );
    match set_desired {
        Some((when, a, b)) => format!(
            "At {} a user request explicitly set group desired capacity changing the desired capacity from {a} to {b}.  {started}",
            when.rfc3339()
        ),
        None => started,
    }
}

/// An instance that terminated itself with `terminate-instance` (idle agents).
pub fn self_terminate_cause(at: Timestamp, instance: &str, from: u32, to: u32) -> String {
    format!(
        "At {} instance {instance} was taken out of service in response to a user request, shrinking the capacity from {from} to {to}.",
        at.rfc3339()
    )
}

/// An instance an operator terminated (TerminateInstanceInAutoScalingGroup).
pub fn user_terminate_cause(at: Timestamp, instance: &str, shrink: Option<(u32, u32)>) -> String {
    match shrink {
        Some((from, to)) => self_terminate_cause(at, instance, from, to),
        None => format!(
            "At {} instance {instance} was taken out of service in response to a user request.",
            at.rfc3339()
        ),
    }
}

/// An instance marked Unhealthy with SetInstanceHealth (full disk, failed bootstrap).
pub fn health_check_cause(at: Timestamp) -> String {
    format!("At {} an instance was taken out of service in response to a user health-check.", at.rfc3339())
}

/// An instance EC2 stopped or terminated (a spot interruption).
pub fn ec2_terminated_cause(at: Timestamp) -> String {
    format!(
        "At {} an instance was taken out of service in response to an EC2 health check indicating it has been terminated or stopped.",
        at.rfc3339()
    )
}
