//! A webhook receiver on a loopback port, as `bkops watch` posts to: it records each body it
//! takes and answers 500 to every `fail_every`-th request (0: never), so that retries can be
//! seen to lose nothing.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

pub struct Hook {
    pub url: String,
    bodies: Arc<Mutex<Vec<serde_json::Value>>>,
    pub requests: Arc<Mutex<usize>>,
}

impl Hook {
    pub fn start(fail_every: usize) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let url = format!("http://{}/hooks/T000/B000/secretpath", listener.local_addr().expect("addr"));
        let bodies: Arc<Mutex<Vec<serde_json::Value>>> = Arc::default();
        let requests: Arc<Mutex<usize>> = Arc::default();
        let (b, r) = (bodies.clone(), requests.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut length = 0usize;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                        break;
                    }
                    if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                        length = v.trim().parse().unwrap_or(0);
                    }
                }
                let mut body = vec![0u8; length];
                let _ = reader.read_exact(&mut body);
                let n = {
                    let mut n = r.lock().unwrap();
                    *n += 1;
                    *n
                };
                let fail = fail_every > 0 && n % fail_every == 0;
                if !fail {
                    b.lock().unwrap().push(serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null));
                }
                let status = if fail { "500 Internal Server Error" } else { "200 OK" };
                let _ = stream.write_all(
                    format!("HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n").as_bytes(),
                );
            }
        });
        Hook { url, bodies, requests }
    }

    /// The bodies taken (not those answered 500), in order.
    pub fn bodies(&self) -> Vec<serde_json::Value> {
        self.bodies.lock().unwrap().clone()
    }
}
