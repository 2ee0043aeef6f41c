use super::*;

fn agent(seq: i64, payload_type: u32, payload: &[u8]) -> ClientMessage {
    ClientMessage {
        message_type: "output_stream_data".into(),
        schema_version: 1,
        created_ms: 1_795_000_000_000,
        sequence: seq,
        flags: u64::from(seq == 0),
        message_id: [seq as u8; 16],
        payload_type,
        payload: payload.to_vec(),
    }
}

fn ack_for(seq: i64) -> ClientMessage {
    ClientMessage {
        message_type: "acknowledge".into(),
        payload_type: 0,
        flags: 3,
        payload: format!(
            r#"{{"AcknowledgedMessageType":"input_stream_data","AcknowledgedMessageId":"x","AcknowledgedMessageSequenceNumber":{seq},"IsSequentialMessage":true}}"#
        )
        .into_bytes(),
        ..agent(0, 0, b"")
    }
}

fn sent(events: &[Event]) -> Vec<&ClientMessage> {
    events.iter().filter_map(|e| if let Event::Send(m) = e { Some(m) } else { None }).collect()
}

fn outputs(events: &[Event]) -> Vec<u8> {
    events
        .iter()
        .filter_map(|e| if let Event::Output(b) = e { Some(b.clone()) } else { None })
        .flatten()
        .collect()
}

fn ack_seqs(events: &[Event]) -> Vec<i64> {
    sent(events)
        .into_iter()
        .filter(|m| m.message_type == "acknowledge")
        .map(|m| {
            let v: serde_json::Value = serde_json::from_slice(&m.payload).expect("json");
            v["AcknowledgedMessageSequenceNumber"].as_i64().expect("seq")
        })
        .collect()
}

#[test]
fn a_shell_without_handshake_is_ready_at_its_first_output_and_gets_the_size_first() {
    let mut c = Channel::new(1, "1.2.764.0");
    assert!(c.resize(180, 50, 10).is_empty() && c.input(b"ls\r", 10).is_empty(), "queued until ready");
    let ev = c.on_frame(agent(0, OUTPUT, b"sh-5.2$ "), 20);
    assert_eq!(outputs(&ev), b"sh-5.2$ ");
    let frames = sent(&ev);
    assert_eq!(frames[0].message_type, "acknowledge");
    let v: serde_json::Value = serde_json::from_slice(&frames[0].payload).expect("ack json");
    assert_eq!(v["AcknowledgedMessageId"], "00000000-0000-0000-0000-000000000000");
    assert_eq!((frames[0].sequence, frames[0].flags), (0, 3));
    let stream: Vec<(i64, u32, &[u8])> =
        frames[1..].iter().map(|m| (m.sequence, m.payload_type, m.payload.as_slice())).collect();
    assert_eq!(stream, [(0, SIZE, &br#"{"cols":180,"rows":50}"#[..]), (1, OUTPUT, &b"ls\r"[..])]);
    // The codec takes what the channel makes.
    for m in frames {
        assert_eq!(ClientMessage::decode(&m.encode().expect("encodes")).as_ref(), Ok(m));
    }
}

#[test]
fn the_agents_stream_is_delivered_in_order_once_and_duplicates_are_acked_again() {
    let mut c = Channel::new(1, "v");
    let early = c.on_frame(agent(1, OUTPUT, b"world"), 1);
    assert_eq!(ack_seqs(&early), [1], "acked and kept");
    assert!(outputs(&early).is_empty(), "not before seq 0");
    let ev = c.on_frame(agent(0, OUTPUT, b"hello "), 2);
    assert_eq!(outputs(&ev), b"hello world");
    let again = c.on_frame(agent(0, OUTPUT, b"hello "), 3);
    assert_eq!(ack_seqs(&again), [0], "its ack was lost: acknowledge again");
    assert!(outputs(&again).is_empty(), "shown once");
}

#[test]
fn unacknowledged_input_is_resent_after_the_timeout_and_acks_stop_it() {
    let mut c = Channel::new(1, "v");
    c.on_frame(agent(0, OUTPUT, b"$ "), 0);
    let first = c.input(b"x", 1_000);
    assert_eq!(sent(&first)[0].sequence, 0);
    assert!(sent(&c.tick(1_100)).is_empty(), "within the 200 ms timeout");
    let resent = c.tick(1_200);
    assert_eq!(sent(&resent).iter().map(|m| m.sequence).collect::<Vec<_>>(), [0]);
    assert_eq!(sent(&resent)[0].message_id, sent(&first)[0].message_id, "the same message");
    c.on_frame(ack_for(0), 1_250);
    assert!(sent(&c.tick(5_000)).is_empty(), "acknowledged: nothing to resend");
    let next = c.input(b"y", 5_000);
    assert_eq!(sent(&next)[0].sequence, 1, "sequence numbers go on");
}

#[test]
fn a_paused_publication_holds_sends_until_it_starts_again() {
    let mut c = Channel::new(1, "v");
    c.on_frame(agent(0, OUTPUT, b"$ "), 0);
    c.on_frame(ClientMessage { message_type: "pause_publication".into(), ..agent(0, 0, b"") }, 1);
    assert!(c.input(b"a", 2).is_empty(), "not sent while paused");
    assert!(c.tick(10_000).is_empty(), "and not resent");
    let resumed =
        c.on_frame(ClientMessage { message_type: "start_publication".into(), ..agent(0, 0, b"") }, 10_001);
    assert_eq!(sent(&resumed).iter().map(|m| m.payload.as_slice()).collect::<Vec<_>>(), [&b"a"[..]]);
}

#[test]
fn the_session_type_handshake_is_answered_and_kms_is_refused_with_a_message() {
    let mut c = Channel::new(1, "1.2.764.0");
    c.resize(80, 24, 0);
    let request = br#"{"AgentVersion":"3.3.0","RequestedClientActions":[{"ActionType":"SessionType","ActionParameters":{"SessionType":"Standard_Stream","Properties":null}}]}"#;
    let ev = c.on_frame(agent(0, HANDSHAKE_REQUEST, request), 1);
    let frames = sent(&ev);
    assert_eq!(frames[0].message_type, "acknowledge", "the request is acked first");
    assert_eq!((frames[1].sequence, frames[1].payload_type), (0, HANDSHAKE_RESPONSE));
    let response: serde_json::Value = serde_json::from_slice(&frames[1].payload).expect("json");
    assert_eq!(response["ProcessedClientActions"][0]["ActionStatus"], 1);
    assert_eq!(response["ClientVersion"], "1.2.764.0");
    assert!(!c.is_ready());
    let done = c.on_frame(
        agent(1, HANDSHAKE_COMPLETE, br#"{"HandshakeTimeToComplete":1000,"CustomerMessage":"Welcome"}"#),
        2,
    );
    assert!(done.contains(&Event::Message("Welcome".into())));
    let size = sent(&done).into_iter().find(|m| m.payload_type == SIZE).expect("the size once ready");
    assert_eq!(size.sequence, 1, "after the handshake response");

    let mut kms = Channel::new(1, "v");
    let request = br#"{"RequestedClientActions":[{"ActionType":"KMSEncryption","ActionParameters":{"KMSKeyId":"arn:aws:kms:us-east-1:1:key/k"}}]}"#;
    let ev = kms.on_frame(agent(0, HANDSHAKE_REQUEST, request), 1);
    assert!(ev.contains(&Event::Failed(KMS_REFUSAL.into())), "{ev:?}");
}

#[test]
fn channel_closed_ends_the_session_with_its_message_even_with_a_short_header() {
    let mut c = Channel::new(1, "v");
    let closed = ClientMessage {
        message_type: "channel_closed".into(),
        payload: br#"{"SessionId":"s","Output":"Exiting session with sessionId: s."}"#.to_vec(),
        ..agent(0, 0, b"")
    };
    let full = closed.encode().expect("encodes");
    let mut short = full[..112].to_vec();
    short[0..4].copy_from_slice(&112u32.to_be_bytes());
    short[4..36].iter_mut().skip(14).for_each(|b| *b = 0);
    short.extend_from_slice(&full[116..]);
    let read = ClientMessage::decode(&short).expect("lenient");
    assert_eq!(c.on_frame(read, 1), [Event::Closed("Exiting session with sessionId: s.".into())]);
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    /// The agent's stream as the network may deliver it: chunks in any order, some twice.
    fn delivery() -> impl Strategy<Value = (Vec<Vec<u8>>, Vec<usize>)> {
        prop::collection::vec(prop::collection::vec(any::<u8>(), 1..20), 1..30).prop_flat_map(|chunks| {
            let n = chunks.len();
            let order = (Just((0..n).collect::<Vec<_>>()).prop_shuffle(), prop::collection::vec(0..n, 0..10))
                .prop_map(|(mut order, again): (Vec<usize>, Vec<usize>)| {
                    for (i, seq) in again.into_iter().enumerate() {
                        order.insert((i * 7) % (order.len() + 1), seq);
                    }
                    order
                });
            (Just(chunks), order)
        })
    }

    proptest! {
        #[test]
        fn any_delivery_order_shows_the_stream_once_in_order_and_acks_every_frame((chunks, order) in delivery()) {
            let mut c = Channel::new(1, "1.2.764.0");
            let mut events = Vec::new();
            for &seq in &order {
                events.extend(c.on_frame(agent(seq as i64, OUTPUT, &chunks[seq]), 1_000));
            }
            prop_assert_eq!(outputs(&events), chunks.concat());
            let acked: Vec<i64> = sent(&events)
                .iter()
                .filter(|m| m.message_type == "acknowledge")
                .filter_map(|m| serde_json::from_slice::<serde_json::Value>(&m.payload).ok())
                .filter_map(|v| v["AcknowledgedMessageSequenceNumber"].as_i64())
                .collect();
            let delivered: Vec<i64> = order.iter().map(|&s| s as i64).collect();
            prop_assert_eq!(acked, delivered, "one ack per frame received, duplicates included");
        }
    }
}
