//! The built-in Session Manager client against a fake agent on loopback (the real gateway and
//! agent cannot run here). The fake speaks the data channel as the agent does: it checks the
//! open-data-channel frame, sends sequenced output, acknowledges input, and closes the channel.

use std::time::Duration;

use bkops::backend::buildkite::Secret;
use bkops::ssm::channel::{OUTPUT, SIZE};
use bkops::ssm::frame::ClientMessage;
use bkops::ssm::native::{Ended, StreamUrl, Terminal, run};
use futures::{SinkExt, StreamExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

fn agent_frame(message_type: &str, seq: i64, payload_type: u32, payload: &[u8]) -> Message {
    let m = ClientMessage {
        message_type: message_type.into(),
        schema_version: 1,
        created_ms: 1_795_000_000_000,
        sequence: seq,
        flags: u64::from(seq == 0),
        message_id: [0x10 + seq as u8; 16],
        payload_type,
        payload: payload.to_vec(),
    };
    Message::Binary(m.encode().expect("encodes").into())
}

#[tokio::test]
async fn a_shell_session_from_open_to_channel_closed() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!(
        "ws://{}/v1/data-channel/sess-1?role=publish_subscribe",
        listener.local_addr().expect("addr")
    );
    let agent = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("accept");
        let mut ws = tokio_tungstenite::accept_async(tcp).await.expect("upgrade");
        let Some(Ok(Message::Text(open))) = ws.next().await else { panic!("the first frame is text") };
        let open: serde_json::Value = serde_json::from_str(&open).expect("json");
        assert_eq!(open["MessageSchemaVersion"], "1.0");
        assert_eq!(open["TokenValue"], "AAEAAToken");
        assert_eq!(open["ClientVersion"], "1.2.764.0");
        assert_eq!(open["RequestId"].as_str().map(str::len), Some(36), "a hyphenated UUID");
        assert!(open["ClientId"].is_string());
        // No handshake: the shell's prompt comes first.
        ws.send(agent_frame("output_stream_data", 0, OUTPUT, b"sh-5.2$ ")).await.expect("send");
        let mut acks = Vec::new();
        let mut stream = Vec::new();
        let mut pings = 0;
        while stream.len() < 2 || pings == 0 {
            match ws.next().await {
                Some(Ok(Message::Binary(b))) => {
                    let m = ClientMessage::decode(&b).expect("a valid frame");
                    if m.message_type == "acknowledge" {
                        assert_eq!((m.sequence, m.flags), (0, 3));
                        let v: serde_json::Value = serde_json::from_slice(&m.payload).expect("ack json");
                        acks.push(v);
                    } else {
                        assert_eq!(m.message_type, "input_stream_data");
                        stream.push((m.sequence, m.payload_type, m.payload.clone()));
                        let ack = serde_json::json!({
                            "AcknowledgedMessageType": "input_stream_data",
                            "AcknowledgedMessageId": "x",
                            "AcknowledgedMessageSequenceNumber": m.sequence,
                            "IsSequentialMessage": true,
                        });
                        ws.send(agent_frame("acknowledge", 0, 0, ack.to_string().as_bytes()))
                            .await
                            .expect("ack");
                    }
                }
                Some(Ok(Message::Ping(p))) => {
                    assert_eq!(&p[..], b"keepalive");
                    pings += 1;
                }
                Some(Ok(_)) => {}
                other => panic!("the client went away: {other:?}"),
            }
        }
        // Output out of order: seq 2 before seq 1.
        ws.send(agent_frame("output_stream_data", 2, OUTPUT, b"sh-5.2$ ")).await.expect("send");
        ws.send(agent_frame("output_stream_data", 1, OUTPUT, b"hi\r\n")).await.expect("send");
        let closed = br#"{"SessionId":"sess-1","Output":"Exiting session with sessionId: sess-1."}"#;
        ws.send(agent_frame("channel_closed", 0, 0, closed)).await.expect("close");
        // Drain what is left (the acks of 1 and 2) until the client closes.
        while let Some(Ok(m)) = ws.next().await {
            if let Message::Binary(b) = m
                && let Ok(m) = ClientMessage::decode(&b)
                && m.message_type == "acknowledge"
            {
                acks.push(serde_json::from_slice(&m.payload).expect("ack json"));
            }
        }
        (acks, stream, pings)
    });

    let (in_tx, input) = mpsc::unbounded_channel();
    let (_resize_tx, resize) = mpsc::unbounded_channel();
    let (output, mut out_rx) = mpsc::unbounded_channel();
    in_tx.send(b"echo hi\r".to_vec()).expect("typed before the prompt: queued");
    let term = Terminal { input, resize, output, size: (120, 40) };
    let url = StreamUrl::loopback(&url).expect("loopback");
    let ended = tokio::time::timeout(
        Duration::from_secs(10),
        run(&url, &Secret::new("AAEAAToken"), term, Duration::from_millis(50)),
    )
    .await
    .expect("in time");
    assert_eq!(ended, Ok(Ended::Closed("Exiting session with sessionId: sess-1.".into())));
    let mut shown = Vec::new();
    while let Ok(b) = out_rx.try_recv() {
        shown.extend(b);
    }
    assert_eq!(String::from_utf8_lossy(&shown), "sh-5.2$ hi\r\nsh-5.2$ ", "in order, once");
    let (acks, stream, pings) = agent.await.expect("the agent's checks");
    let acked: Vec<i64> =
        acks.iter().filter_map(|a| a["AcknowledgedMessageSequenceNumber"].as_i64()).collect();
    assert_eq!(acked, [0, 2, 1], "every output frame acknowledged (2 when it arrived early)");
    assert_eq!(acks[0]["AcknowledgedMessageId"], "10101010-1010-1010-1010-101010101010", "the UUID's halves");
    assert_eq!(acks[0]["AcknowledgedMessageType"], "output_stream_data");
    assert_eq!(acks[0]["IsSequentialMessage"], true);
    assert_eq!(
        stream,
        [(0, SIZE, br#"{"cols":120,"rows":40}"#.to_vec()), (1, OUTPUT, b"echo hi\r".to_vec())],
        "the size first, then what was typed, numbered from 0"
    );
    assert!(pings >= 1, "keepalive pings");
}

#[test]
fn only_aws_or_loopback_stream_urls_are_taken() {
    assert!(
        StreamUrl::aws("wss://ssmmessages.eu-west-1.amazonaws.com/v1/data-channel/s?role=publish_subscribe")
            .is_ok()
    );
    for bad in [
        "ws://ssmmessages.eu-west-1.amazonaws.com/v1/data-channel/s",
        "wss://evil.example.com/v1/data-channel/s",
        "wss://ssmmessages.eu-west-1.amazonaws.com.evil.example/x",
        "ws://127.0.0.1:9/x",
    ] {
        assert!(StreamUrl::aws(bad).is_err(), "{bad}");
    }
    assert!(StreamUrl::loopback("ws://127.0.0.1:5000/x").is_ok());
    assert!(StreamUrl::loopback("ws://10.0.0.1:5000/x").is_err());
}

/// The fake agent's first input frame after the prompt, skipping acknowledgements.
async fn next_input<S>(ws: &mut S) -> ClientMessage
where
    S: futures::Stream<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match ws.next().await {
            Some(Ok(Message::Binary(b))) => {
                let m = ClientMessage::decode(&b).expect("a valid frame");
                if m.message_type == "input_stream_data" {
                    return m;
                }
            }
            Some(Ok(_)) => {}
            other => panic!("the client went away: {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_unacknowledged_input_is_resent_identically_and_a_bare_close_is_an_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("ws://{}/v1/data-channel/sess-2", listener.local_addr().expect("addr"));
    let agent = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.expect("accept");
        let mut ws = tokio_tungstenite::accept_async(tcp).await.expect("upgrade");
        let _open = ws.next().await;
        ws.send(agent_frame("output_stream_data", 0, OUTPUT, b"$ ")).await.expect("send");
        // The Size, acknowledged at once; then the keystroke, whose ack is withheld.
        let size = next_input(&mut ws).await;
        let ack = |seq: i64| {
            serde_json::json!({"AcknowledgedMessageType":"input_stream_data","AcknowledgedMessageId":"x",
                "AcknowledgedMessageSequenceNumber":seq,"IsSequentialMessage":true})
            .to_string()
        };
        ws.send(agent_frame("acknowledge", 0, 0, ack(size.sequence).as_bytes())).await.expect("ack");
        let first = next_input(&mut ws).await;
        let again = next_input(&mut ws).await;
        // A WebSocket close without channel_closed.
        ws.close(None).await.expect("close");
        (size, first, again)
    });
    let (in_tx, input) = mpsc::unbounded_channel();
    let (_resize_tx, resize) = mpsc::unbounded_channel();
    let (output, _out) = mpsc::unbounded_channel();
    in_tx.send(b"x".to_vec()).expect("queued");
    let term = Terminal { input, resize, output, size: (80, 24) };
    let url = StreamUrl::loopback(&url).expect("loopback");
    let ended = tokio::time::timeout(
        Duration::from_secs(10),
        run(&url, &Secret::new("t"), term, Duration::from_secs(300)),
    )
    .await
    .expect("in time");
    assert_eq!(ended, Err("the data channel closed without ending the session".into()));
    let (size, first, again) = agent.await.expect("the agent's checks");
    assert_eq!((size.sequence, size.payload_type), (0, SIZE));
    assert_eq!((first.sequence, first.payload.as_slice()), (1, &b"x"[..]));
    assert_eq!(again, first, "the identical frame (same ID and sequence) once the timeout passed");
}
