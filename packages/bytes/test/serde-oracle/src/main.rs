//! Reads one case per line on stdin: `<mode> <hex bytes>`, and prints one JSON line per case with
//! what serde_json / String::from_utf8 say about it. Modes:
//! - `value`: `serde_json::from_slice::<serde_json::Value>` (error Display, or the re-encoded value)
//! - `greeting`: `from_slice::<Greeting { name: String }>` (the json-greeter's request type)
//! - `spawn`: `from_slice::<Payload { _name: String }>` (the spawn-function-json payload type)
//! - `utf8`: `String::from_utf8` error Display
//! - `encode`: parse as Value, then `serde_json::to_string` (compact output)
use std::io::BufRead;

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Greeting {
    name: String,
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Payload {
    _name: String,
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

fn show<T>(r: Result<T, serde_json::Error>, ok: impl Fn(T) -> String) -> (bool, String) {
    match r {
        Ok(v) => (true, ok(v)),
        Err(e) => (false, e.to_string()),
    }
}

fn main() {
    for line in std::io::stdin().lock().lines() {
        let line = line.unwrap();
        let (mode, h) = line.split_once(' ').unwrap_or((line.as_str(), ""));
        let bytes = hex(h);
        let (ok, text) = match mode {
            "value" => show(serde_json::from_slice::<serde_json::Value>(&bytes), |v| v.to_string()),
            "encode" => show(serde_json::from_slice::<serde_json::Value>(&bytes), |v| serde_json::to_string(&v).unwrap()),
            "greeting" => show(serde_json::from_slice::<Greeting>(&bytes), |_| String::new()),
            "spawn" => show(serde_json::from_slice::<Payload>(&bytes), |_| String::new()),
            "utf8" => match String::from_utf8(bytes.clone()) {
                Ok(s) => (true, s),
                Err(e) => (false, e.to_string()),
            },
            _ => panic!("unknown mode {mode}"),
        };
        println!("{}", serde_json::json!({ "mode": mode, "hex": h, "ok": ok, "text": text }));
    }
}
