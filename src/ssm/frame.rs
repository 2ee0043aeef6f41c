//! The Session Manager data channel's binary `ClientMessage` (every frame after the
//! open-data-channel text frame): a 116-byte big-endian header, then the payload. Strict when
//! writing, lenient when reading: type names padded with spaces or NULs, and the 112-byte header
//! some `channel_closed` frames arrive with.

use sha2::{Digest, Sha256};

/// The header length a sender writes: the offset of PayloadLength.
pub const HEADER_LENGTH: u32 = 116;
const TYPE_LEN: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientMessage {
    pub message_type: String,
    pub schema_version: u32,
    /// Unix epoch milliseconds; never zero.
    pub created_ms: u64,
    pub sequence: i64,
    /// Bit 0 SYN, bit 1 FIN.
    pub flags: u64,
    /// The UUID's 16 bytes in their usual order.
    pub message_id: [u8; 16],
    pub payload_type: u32,
    pub payload: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    #[error("a frame of {0} bytes is shorter than its header")]
    Short(usize),
    #[error("the header length {0} is not 112 or more")]
    HeaderLength(u32),
    #[error("the payload does not match its SHA-256 digest")]
    Digest,
    #[error("the message type is empty")]
    NoType,
    #[error("the message has no creation time")]
    NoTime,
    #[error("the message type is longer than 32 bytes")]
    LongType,
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_be_bytes(b.get(at..at + 8)?.try_into().ok()?))
}

impl ClientMessage {
    pub fn encode(&self) -> Result<Vec<u8>, FrameError> {
        if self.message_type.len() > TYPE_LEN {
            return Err(FrameError::LongType);
        }
        let mut out = Vec::with_capacity(120 + self.payload.len());
        out.extend_from_slice(&HEADER_LENGTH.to_be_bytes());
        let mut name = [b' '; TYPE_LEN];
        name[..self.message_type.len()].copy_from_slice(self.message_type.as_bytes());
        out.extend_from_slice(&name);
        out.extend_from_slice(&self.schema_version.to_be_bytes());
        out.extend_from_slice(&self.created_ms.to_be_bytes());
        out.extend_from_slice(&self.sequence.to_be_bytes());
        out.extend_from_slice(&self.flags.to_be_bytes());
        // The UUID as two 64-bit halves, the least significant first.
        out.extend_from_slice(&self.message_id[8..16]);
        out.extend_from_slice(&self.message_id[0..8]);
        out.extend_from_slice(&Sha256::digest(&self.payload));
        out.extend_from_slice(&self.payload_type.to_be_bytes());
        out.extend_from_slice(&(self.payload.len() as u32).to_be_bytes());
        out.extend_from_slice(&self.payload);
        Ok(out)
    }

    pub fn decode(b: &[u8]) -> Result<Self, FrameError> {
        let hl = u32_at(b, 0).ok_or(FrameError::Short(b.len()))?;
        if hl < 112 {
            return Err(FrameError::HeaderLength(hl));
        }
        let hl = hl as usize;
        if b.len() < hl + 4 {
            return Err(FrameError::Short(b.len()));
        }
        let raw_type = &b[4..4 + TYPE_LEN];
        let message_type = String::from_utf8_lossy(raw_type)
            .trim_matches(|c: char| c == '\0' || c.is_whitespace())
            .to_string();
        let short = || FrameError::Short(b.len());
        let schema_version = u32_at(b, 36).ok_or_else(short)?;
        let created_ms = u64_at(b, 40).ok_or_else(short)?;
        let sequence = u64_at(b, 48).ok_or_else(short)? as i64;
        let flags = u64_at(b, 56).ok_or_else(short)?;
        let mut message_id = [0u8; 16];
        message_id[8..16].copy_from_slice(&b[64..72]);
        message_id[0..8].copy_from_slice(&b[72..80]);
        let digest = &b[80..112];
        // A 112-byte header has no PayloadType.
        let payload_type = if hl >= 116 { u32_at(b, 112).ok_or_else(short)? } else { 0 };
        let payload = b[hl + 4..].to_vec();
        let publication = matches!(message_type.as_str(), "start_publication" | "pause_publication");
        if !publication {
            if message_type.is_empty() {
                return Err(FrameError::NoType);
            }
            if created_ms == 0 {
                return Err(FrameError::NoTime);
            }
            if !payload.is_empty() && Sha256::digest(&payload).as_slice() != digest {
                return Err(FrameError::Digest);
            }
        }
        Ok(Self {
            message_type,
            schema_version,
            created_ms,
            sequence,
            flags,
            message_id,
            payload_type,
            payload,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The reference's golden frame: the inputs of the plugin's own serialisation test.
    const GOLDEN: &str = "00000074696e7075745f73747265616d\
                          5f646174612020202020202020202020\
                          2020202000000001 0000015e0baa7884\
                          00000000000000010000000000000002\
                          a508b5f073f31b16dd01e56bff48483e\
                          239f59ed55e737c77147cf55ad0c1b03\
                          0b6d7ee748a7426952f9b852d5a935e5\
                          0000000000000007 7061796c6f6164";

    fn golden() -> Vec<u8> {
        let hex: String = GOLDEN.chars().filter(|c| !c.is_whitespace()).collect();
        (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex")).collect()
    }

    fn message() -> ClientMessage {
        ClientMessage {
            message_type: "input_stream_data".into(),
            schema_version: 1,
            created_ms: 1_503_434_274_948,
            sequence: 1,
            flags: 2,
            // dd01e56b-ff48-483e-a508-b5f073f31b16
            message_id: [
                0xdd, 0x01, 0xe5, 0x6b, 0xff, 0x48, 0x48, 0x3e, 0xa5, 0x08, 0xb5, 0xf0, 0x73, 0xf3, 0x1b,
                0x16,
            ],
            payload_type: 0,
            payload: b"payload".to_vec(),
        }
    }

    #[test]
    fn the_golden_frame_byte_for_byte() {
        assert_eq!(message().encode().expect("encodes"), golden());
        assert_eq!(ClientMessage::decode(&golden()), Ok(message()));
    }

    #[test]
    fn nul_padded_types_and_112_byte_headers_are_read() {
        let mut b = golden();
        for byte in &mut b[4 + 17..36] {
            *byte = 0;
        }
        assert_eq!(ClientMessage::decode(&b).map(|m| m.message_type), Ok("input_stream_data".into()));
        // channel_closed with HeaderLength 112: PayloadLength at 112, the payload after it.
        let closed =
            ClientMessage { message_type: "channel_closed".into(), payload: b"{}".to_vec(), ..message() };
        let full = closed.encode().expect("encodes");
        let mut short = full[..112].to_vec();
        short[0..4].copy_from_slice(&112u32.to_be_bytes());
        short.extend_from_slice(&full[116..]);
        let read = ClientMessage::decode(&short).expect("lenient");
        assert_eq!(
            (read.message_type.as_str(), read.payload_type, read.payload.as_slice()),
            ("channel_closed", 0, &b"{}"[..])
        );
    }

    #[test]
    fn malformed_frames_are_errors_not_panics() {
        assert_eq!(ClientMessage::decode(&[]), Err(FrameError::Short(0)));
        assert_eq!(ClientMessage::decode(&[0, 0, 0, 5]), Err(FrameError::HeaderLength(5)));
        assert!(ClientMessage::decode(&golden()[..100]).is_err());
        let mut no_time = golden();
        no_time[40..48].fill(0);
        assert_eq!(ClientMessage::decode(&no_time), Err(FrameError::NoTime));
        let long = ClientMessage { message_type: "x".repeat(33), ..message() };
        assert_eq!(long.encode(), Err(FrameError::LongType));
    }

    fn any_message() -> impl Strategy<Value = ClientMessage> {
        let types = prop::sample::select(vec![
            "input_stream_data",
            "output_stream_data",
            "acknowledge",
            "channel_closed",
            "start_publication",
            "pause_publication",
        ]);
        (
            types,
            1u64..,
            any::<i64>(),
            0u64..4,
            any::<[u8; 16]>(),
            0u32..13,
            prop::collection::vec(any::<u8>(), 0..512),
        )
            .prop_map(|(t, created_ms, sequence, flags, message_id, payload_type, payload)| {
                ClientMessage {
                    message_type: t.into(),
                    schema_version: 1,
                    created_ms,
                    sequence,
                    flags,
                    message_id,
                    payload_type,
                    payload,
                }
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2_000))]

        #[test]
        fn property_every_message_round_trips(m in any_message()) {
            let bytes = m.encode().expect("encodes");
            prop_assert_eq!(ClientMessage::decode(&bytes), Ok(m));
        }

        #[test]
        fn property_a_changed_payload_byte_is_rejected(
            // Publication messages are read unchecked, as the plugin reads them: the gateway
            // sends them with a zero digest.
            m in any_message().prop_filter("a checked payload to change", |m| {
                !m.payload.is_empty() && !m.message_type.ends_with("_publication")
            }),
            pick in any::<prop::sample::Index>(),
            bit in 0u8..8,
        ) {
            let mut bad = m.encode().expect("encodes");
            let at = 120 + pick.index(m.payload.len());
            bad[at] ^= 1 << bit;
            prop_assert_eq!(ClientMessage::decode(&bad), Err(FrameError::Digest), "byte {} changed", at);
        }
    }
}
