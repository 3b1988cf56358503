//! AWS endpoints: which region and SigV4 service a host name implies.

/// The SigV4 scope a host name implies: `(region, service)`.
///
/// `runtime.sagemaker.{r}.amazonaws.com` → `sagemaker`, `bedrock-runtime.{r}…` → `bedrock`,
/// `….execute-api.{r}…` → `execute-api`, `….lambda-url.{r}.on.aws` → `lambda`, global
/// `sts`/`iam` → `us-east-1`, and the generic `{service}.{region}.amazonaws.com`.
pub fn infer_scope(host: &str) -> Option<(String, String)> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) && !h.ends_with(']') => h.to_string(),
        _ => host,
    };
    let labels: Vec<&str> = host.split('.').collect();
    let n = labels.len();
    let pair = |r: &str, s: &str| Some((r.to_string(), s.to_string()));

    if n >= 4 && labels[n - 2..] == ["on", "aws"] && labels[n - 4] == "lambda-url" {
        return pair(labels[n - 3], "lambda");
    }
    let base = if host.ends_with(".amazonaws.com") {
        n - 2
    } else if host.ends_with(".amazonaws.com.cn") {
        n - 3
    } else {
        return None;
    };
    let l = &labels[..base];
    match l {
        ["sts"] => pair("us-east-1", "sts"),
        ["iam"] => pair("us-east-1", "iam"),
        ["s3"] => pair("us-east-1", "s3"),
        [.., "runtime", "sagemaker", r] | [.., "runtime-fips", "sagemaker", r] => pair(r, "sagemaker"),
        [.., "execute-api", r] => pair(r, "execute-api"),
        [.., "bedrock-runtime", r] | [.., "bedrock-runtime-fips", r] | [.., "bedrock", r] => pair(r, "bedrock"),
        [.., s3, r] if s3.starts_with("s3") => pair(r, "s3"),
        [.., "sagemaker", r] => pair(r, "sagemaker"),
        [.., svc, r] if looks_like_region(r) => pair(r, svc.trim_end_matches("-fips")),
        _ => None,
    }
}

/// The text a Bedrock/SageMaker stream chunk adds, across the common model families:
/// OpenAI-style and Anthropic deltas, Converse `delta.text`, Titan `outputText`, Llama
/// `generation`, Cohere `text`/`generations`, Mistral `outputs`, Claude v2 `completion`,
/// TGI `token.text`.
pub fn chunk_text(v: &serde_json::Value) -> Option<String> {
    if let Some(t) = super::mlflow::delta_text(v) {
        return Some(t);
    }
    let s = |p: &str| v.pointer(p).and_then(serde_json::Value::as_str).map(str::to_string);
    ["/outputText", "/generation", "/text", "/generations/0/text", "/outputs/0/text", "/completion", "/token/text"]
        .iter()
        .find_map(|p| s(p))
        .filter(|t| !t.is_empty())
}

fn looks_like_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.len() >= 3 && parts.last().is_some_and(|p| p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_hosts() {
        let cases = [
            ("runtime.sagemaker.us-west-2.amazonaws.com", Some(("us-west-2", "sagemaker"))),
            ("bedrock-runtime.eu-central-1.amazonaws.com", Some(("eu-central-1", "bedrock"))),
            ("abc123.execute-api.ap-south-1.amazonaws.com", Some(("ap-south-1", "execute-api"))),
            ("xyz.lambda-url.us-east-2.on.aws", Some(("us-east-2", "lambda"))),
            ("sts.amazonaws.com", Some(("us-east-1", "sts"))),
            ("sts.eu-west-1.amazonaws.com", Some(("eu-west-1", "sts"))),
            ("iam.amazonaws.com", Some(("us-east-1", "iam"))),
            ("bucket.s3.us-east-2.amazonaws.com", Some(("us-east-2", "s3"))),
            ("lambda.us-east-2.amazonaws.com:443", Some(("us-east-2", "lambda"))),
            ("example.com", None),
            ("127.0.0.1:5000", None),
        ];
        for (host, want) in cases {
            let got = infer_scope(host);
            assert_eq!(got.as_ref().map(|(r, s)| (r.as_str(), s.as_str())), want, "{host}");
        }
    }
}
