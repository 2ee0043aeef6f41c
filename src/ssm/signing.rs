//! SigV4 on the data channel's WebSocket upgrade, as the current plugin signs it (service
//! `ssmmessages`, the empty payload's hash, Host signed). The session token authenticates the
//! channel either way; a signature that cannot be made leaves the upgrade unsigned, as the
//! plugin falls back.

use std::time::SystemTime;

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;

/// Who signs the upgrade, and for which region.
#[derive(Clone)]
pub struct UpgradeSigner {
    pub credentials: Credentials,
    pub region: String,
}

impl std::fmt::Debug for UpgradeSigner {
    // Credentials print redacted; the region is enough to tell signers apart.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpgradeSigner").field("region", &self.region).finish_non_exhaustive()
    }
}

impl UpgradeSigner {
    /// Adds Authorization, X-Amz-Date and (with temporary credentials) X-Amz-Security-Token
    /// to the upgrade request. The URL's own presign parameters, if any, need no header.
    pub fn sign<B>(&self, request: &mut http::Request<B>, at: SystemTime) -> Result<(), String> {
        let uri = request.uri().to_string();
        if uri.contains("X-Amz-Signature=") {
            return Ok(());
        }
        let identity = self.credentials.clone().into();
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&self.region)
            .name("ssmmessages")
            .time(at)
            .settings(SigningSettings::default())
            .build()
            .map_err(|e| e.to_string())?
            .into();
        let signable =
            SignableRequest::new("GET", uri.as_str(), std::iter::empty(), SignableBody::Bytes(&[]))
                .map_err(|e| e.to_string())?;
        let (instructions, _) = sign(signable, &params).map_err(|e| e.to_string())?.into_parts();
        instructions.apply_to_request_http1x(request);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_upgrade_carries_a_sigv4_authorization_for_ssmmessages() {
        let signer = UpgradeSigner {
            credentials: Credentials::new(
                "AKIDEXAMPLE",
                "secret",
                Some("session-token".into()),
                None,
                "test",
            ),
            region: "eu-west-1".into(),
        };
        let mut req = http::Request::get(
            "wss://ssmmessages.eu-west-1.amazonaws.com/v1/data-channel/ana-0a1b2c3d4e5f60718?role=publish_subscribe",
        )
        .body(())
        .expect("request");
        let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_795_000_000);
        signer.sign(&mut req, at).expect("signed");
        let h = |name: &str| {
            req.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or_default().to_string()
        };
        let auth = h("authorization");
        assert!(
            auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261118/eu-west-1/ssmmessages/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature="),
            "{auth}"
        );
        assert_eq!(h("x-amz-date"), "20261118T110640Z");
        assert_eq!(h("x-amz-security-token"), "session-token");
        // A different time is a different signature.
        let mut again = http::Request::get(req.uri().clone()).body(()).expect("request");
        signer.sign(&mut again, at + std::time::Duration::from_secs(1)).expect("signed");
        assert_ne!(again.headers().get("authorization").map(|v| v.as_bytes()), Some(auth.as_bytes()));
        // The signature itself, worked out here from the SigV4 specification: the empty
        // payload's hash (not UNSIGNED-PAYLOAD, which the service would refuse), Host, date
        // and token signed.
        let signature = auth.rsplit("Signature=").next().unwrap_or_default();
        assert_eq!(signature, known_answer(), "{auth}");
        // A presigned URL is left as it is.
        let mut presigned =
            http::Request::get("wss://ssmmessages.eu-west-1.amazonaws.com/v1/x?X-Amz-Signature=abc")
                .body(())
                .expect("request");
        signer.sign(&mut presigned, at).expect("nothing to do");
        assert!(presigned.headers().get("authorization").is_none());
    }

    /// HMAC-SHA256 (RFC 2104), written out so that the test does not trust the signer's own.
    fn hmac(key: &[u8], msg: &[u8]) -> Vec<u8> {
        use sha2::{Digest, Sha256};
        let mut k = if key.len() > 64 { Sha256::digest(key).to_vec() } else { key.to_vec() };
        k.resize(64, 0);
        let pad = |b: u8| k.iter().map(|x| x ^ b).collect::<Vec<u8>>();
        let inner = Sha256::digest([pad(0x36).as_slice(), msg].concat());
        Sha256::digest([pad(0x5c).as_slice(), inner.as_slice()].concat()).to_vec()
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> Vec<u8> {
        let k = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
        let k = hmac(&k, region.as_bytes());
        let k = hmac(&k, service.as_bytes());
        hmac(&k, b"aws4_request")
    }

    /// The signature of the upgrade above, by the specification's steps.
    fn known_answer() -> String {
        use sha2::{Digest, Sha256};
        let empty = hex(&Sha256::digest(b""));
        let canonical = format!(
            "GET\n/v1/data-channel/ana-0a1b2c3d4e5f60718\nrole=publish_subscribe\n\
             host:ssmmessages.eu-west-1.amazonaws.com\nx-amz-date:20261118T110640Z\nx-amz-security-token:session-token\n\n\
             host;x-amz-date;x-amz-security-token\n{empty}"
        );
        let to_sign = format!(
            "AWS4-HMAC-SHA256\n20261118T110640Z\n20261118/eu-west-1/ssmmessages/aws4_request\n{}",
            hex(&Sha256::digest(canonical.as_bytes()))
        );
        hex(&hmac(&signing_key("secret", "20261118", "eu-west-1", "ssmmessages"), to_sign.as_bytes()))
    }

    #[test]
    fn the_test_s_hmac_gives_aws_s_published_signing_key() {
        // AWS's documented example of deriving a signing key.
        let key = signing_key("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam");
        assert_eq!(hex(&key), "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
    }
}
