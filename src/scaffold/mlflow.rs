//! MLflow AI Gateway `config.yaml`: generation ([`render`]) and a strict check ([`check`]).
//!
//! MLflow ignores keys it does not know (a typo such as `openai_base_url` silently falls back to
//! the default base), so gwctl knows every key of every provider of MLflow 3.17 and reports
//! anything else with its line.

use serde_json::{Map, Value, json};

use super::yaml::{self, Kind, Node};

/// One `--endpoint NAME:TYPE:PROVIDER:MODEL` (the model is everything after the third colon:
/// Bedrock ids contain colons).
#[derive(Clone, Debug, PartialEq)]
pub struct EndpointSpec {
    pub name: String,
    pub kind: String,
    pub provider: String,
    pub model: String,
}

impl std::str::FromStr for EndpointSpec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let mut parts = s.splitn(4, ':');
        let (Some(name), Some(kind), Some(provider), Some(model)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(format!(
                "--endpoint {s:?}: expected NAME:TYPE:PROVIDER:MODEL, e.g. chat:chat:openai:gpt-4o-mini"
            ));
        };
        if !valid_name(name) {
            return Err(format!("--endpoint {s:?}: the name may use letters, digits, '-', '_' and '.' only"));
        }
        if !ENDPOINT_TYPES.iter().any(|(short, _)| *short == kind) {
            return Err(format!("--endpoint {s:?}: TYPE is chat, completions or embeddings, not {kind:?}"));
        }
        if provider_def(provider).is_none() {
            return Err(format!(
                "--endpoint {s:?}: unknown provider {provider:?} (known: {})",
                provider_names().join(", ")
            ));
        }
        if model.is_empty() {
            return Err(format!("--endpoint {s:?}: the model name is empty"));
        }
        Ok(Self { name: name.into(), kind: kind.into(), provider: provider.into(), model: model.into() })
    }
}

pub const ENDPOINT_TYPES: [(&str, &str); 3] =
    [("chat", "llm/v1/chat"), ("completions", "llm/v1/completions"), ("embeddings", "llm/v1/embeddings")];

fn valid_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
}

/// A provider's `config:` keys as MLflow 3.17's pydantic models define them.
pub struct ProviderDef {
    pub name: &'static str,
    /// Other spellings MLflow accepts for the same provider.
    pub aliases: &'static [&'static str],
    pub required: &'static [&'static str],
    pub optional: &'static [&'static str],
    /// The key holding the API key, and the environment variable gwctl references (`$VAR`).
    pub secret: Option<(&'static str, &'static str)>,
    /// The key that takes `--api-base`.
    pub base: Option<&'static str>,
}

const OPENAI_COMPATIBLE: (&[&str], &[&str]) = (&["api_key"], &["api_base"]);

pub static PROVIDERS: &[ProviderDef] = &[
    ProviderDef {
        name: "openai",
        aliases: &["azure"],
        required: &["openai_api_key"],
        optional: &[
            "openai_api_type",
            "openai_api_base",
            "openai_api_version",
            "openai_deployment_name",
            "openai_organization",
        ],
        secret: Some(("openai_api_key", "OPENAI_API_KEY")),
        base: Some("openai_api_base"),
    },
    ProviderDef {
        name: "anthropic",
        aliases: &[],
        required: &["anthropic_api_key"],
        optional: &["anthropic_version", "anthropic_api_base"],
        secret: Some(("anthropic_api_key", "ANTHROPIC_API_KEY")),
        base: Some("anthropic_api_base"),
    },
    ProviderDef {
        name: "bedrock",
        aliases: &["amazon-bedrock"],
        required: &["aws_config"],
        optional: &[],
        secret: None,
        base: None,
    },
    ProviderDef {
        name: "mlflow-model-serving",
        aliases: &[],
        required: &["model_server_url"],
        optional: &[],
        secret: None,
        base: Some("model_server_url"),
    },
    ProviderDef {
        name: "databricks",
        aliases: &["databricks-model-serving"],
        required: &[],
        optional: &["host", "token", "client_id", "client_secret"],
        secret: None,
        base: Some("host"),
    },
    ProviderDef {
        name: "mistral",
        aliases: &[],
        required: &["mistral_api_key"],
        optional: &[],
        secret: Some(("mistral_api_key", "MISTRAL_API_KEY")),
        base: None,
    },
    ProviderDef {
        name: "gemini",
        aliases: &[],
        required: &["gemini_api_key"],
        optional: &[],
        secret: Some(("gemini_api_key", "GEMINI_API_KEY")),
        base: None,
    },
    ProviderDef {
        name: "ollama",
        aliases: &[],
        required: &[],
        optional: &["api_key", "api_base"],
        secret: None,
        base: Some("api_base"),
    },
    ProviderDef {
        name: "cohere",
        aliases: &[],
        required: &["cohere_api_key"],
        optional: &[],
        secret: Some(("cohere_api_key", "COHERE_API_KEY")),
        base: None,
    },
    ProviderDef {
        name: "togetherai",
        aliases: &[],
        required: &["togetherai_api_key"],
        optional: &[],
        secret: Some(("togetherai_api_key", "TOGETHERAI_API_KEY")),
        base: None,
    },
    ProviderDef {
        name: "groq",
        aliases: &[],
        required: OPENAI_COMPATIBLE.0,
        optional: OPENAI_COMPATIBLE.1,
        secret: Some(("api_key", "GROQ_API_KEY")),
        base: Some("api_base"),
    },
    ProviderDef {
        name: "deepseek",
        aliases: &[],
        required: OPENAI_COMPATIBLE.0,
        optional: OPENAI_COMPATIBLE.1,
        secret: Some(("api_key", "DEEPSEEK_API_KEY")),
        base: Some("api_base"),
    },
    ProviderDef {
        name: "xai",
        aliases: &[],
        required: OPENAI_COMPATIBLE.0,
        optional: OPENAI_COMPATIBLE.1,
        secret: Some(("api_key", "XAI_API_KEY")),
        base: Some("api_base"),
    },
    ProviderDef {
        name: "openrouter",
        aliases: &[],
        required: OPENAI_COMPATIBLE.0,
        optional: OPENAI_COMPATIBLE.1,
        secret: Some(("api_key", "OPENROUTER_API_KEY")),
        base: Some("api_base"),
    },
    ProviderDef {
        name: "huggingface-text-generation-inference",
        aliases: &[],
        required: &["hf_server_url"],
        optional: &[],
        secret: None,
        base: Some("hf_server_url"),
    },
    ProviderDef {
        name: "vertex_ai",
        aliases: &[],
        required: &["vertex_project"],
        optional: &["vertex_location", "vertex_credentials", "vertex_anthropic_betas"],
        secret: None,
        base: None,
    },
];

/// Keys of bedrock's `aws_config` (region, and a role, a key pair or a bearer token).
const AWS_CONFIG_KEYS: &[&str] = &[
    "aws_region",
    "aws_role_arn",
    "session_length_seconds",
    "aws_access_key_id",
    "aws_secret_access_key",
    "aws_session_token",
    "aws_bearer_token",
];

pub fn provider_def(name: &str) -> Option<&'static ProviderDef> {
    PROVIDERS.iter().find(|p| p.name == name || p.aliases.contains(&name))
}

pub fn provider_names() -> Vec<&'static str> {
    PROVIDERS.iter().flat_map(|p| std::iter::once(p.name).chain(p.aliases.iter().copied())).collect()
}

/// Options for [`render`].
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// `--api-base URL`: the provider's base key.
    pub api_base: Option<String>,
    /// `--set KEY=VALUE`: extra provider keys (given to every endpoint whose provider has KEY).
    pub set: Vec<(String, String)>,
    /// `--limit CALLS/PERIOD`.
    pub limit: Option<(u64, String)>,
    /// Region for bedrock (from `--set aws_region=…` or a SigV4 profile).
    pub aws_region: Option<String>,
}

/// The `config.yaml` for `endpoints`. Every key is checked against the provider tables; the
/// result passes [`check`].
pub fn render(endpoints: &[EndpointSpec], o: &RenderOptions) -> Result<String, String> {
    if endpoints.is_empty() {
        return Err("give at least one --endpoint NAME:TYPE:PROVIDER:MODEL".into());
    }
    let mut seen = std::collections::HashSet::new();
    for (key, _) in &o.set {
        let known = endpoints.iter().any(|e| accepts(&e.provider, key));
        if !known {
            return Err(format!(
                "--set {key}: no chosen provider has this key (MLflow would ignore it silently); keys: {}",
                endpoints.iter().map(|e| keys_of(&e.provider).join(", ")).collect::<Vec<_>>().join("; ")
            ));
        }
    }
    let mut list = Vec::new();
    for e in endpoints {
        if !seen.insert(e.name.clone()) {
            return Err(format!("endpoint {:?} is given twice", e.name));
        }
        let def = provider_def(&e.provider).ok_or_else(|| format!("unknown provider {:?}", e.provider))?;
        let mut config = Map::new();
        if let Some((key, var)) = def.secret {
            let var = if e.provider == "azure" { "AZURE_OPENAI_API_KEY" } else { var };
            config.insert(key.into(), json!(format!("${var}")));
        }
        if e.provider == "azure" {
            config.insert("openai_api_type".into(), json!("azure"));
        }
        match def.name {
            "bedrock" => {
                let region = o.aws_region.clone().unwrap_or_else(|| "us-east-1".into());
                config.insert("aws_config".into(), json!({ "aws_region": region }));
            }
            "mlflow-model-serving" if o.api_base.is_none() => {
                config.insert("model_server_url".into(), json!("http://127.0.0.1:5001"));
            }
            _ => {}
        }
        if let (Some(base), Some(key)) = (&o.api_base, def.base) {
            config.insert(key.into(), json!(base));
        }
        for (k, v) in &o.set {
            if k == "aws_region" && def.name == "bedrock" {
                continue; // taken as the region above
            }
            if accepts(&e.provider, k) {
                if AWS_CONFIG_KEYS.contains(&k.as_str()) {
                    if let Some(Value::Object(aws)) = config.get_mut("aws_config") {
                        aws.insert(k.clone(), typed(v));
                    }
                } else {
                    config.insert(k.clone(), typed(v));
                }
            }
        }
        if e.provider == "azure" {
            for k in ["openai_api_base", "openai_deployment_name", "openai_api_version"] {
                if !config.contains_key(k) {
                    return Err(format!(
                        "endpoint {:?}: Azure OpenAI needs {k} (--api-base URL, --set openai_deployment_name=…, --set openai_api_version=…)",
                        e.name
                    ));
                }
            }
        }
        let provider_out = if e.provider == "azure" { "openai" } else { e.provider.as_str() };
        let mut ep = Map::new();
        ep.insert("name".into(), json!(e.name));
        let t = ENDPOINT_TYPES.iter().find(|(s, _)| *s == e.kind).map(|(_, l)| *l).ok_or("bad type")?;
        ep.insert("endpoint_type".into(), json!(t));
        ep.insert("model".into(), json!({ "provider": provider_out, "name": e.model, "config": config }));
        if let Some((calls, period)) = &o.limit {
            ep.insert("limit".into(), json!({ "calls": calls, "renewal_period": period }));
        }
        list.push(Value::Object(ep));
    }
    let text = format!(
        "# MLflow AI Gateway configuration, generated by gwctl scaffold mlflow.\n\
         # API keys are $VAR references, resolved from the gateway's environment at start.\n\
         # Start: mlflow gateway start --config-path THIS_FILE --host 127.0.0.1 --port 5000\n{}",
        yaml::emit(&json!({ "endpoints": list }))
    );
    let problems = check(&text);
    if let Some(p) = problems.iter().find(|p| p.error) {
        return Err(format!("internal: the generated config fails its own check: line {}: {}", p.line, p.message));
    }
    Ok(text)
}

/// `--set` values: numbers and booleans as such, the rest as text.
fn typed(v: &str) -> Value {
    if let Ok(n) = v.parse::<i64>() {
        return json!(n);
    }
    match v {
        "true" => json!(true),
        "false" => json!(false),
        _ => json!(v),
    }
}

fn keys_of(provider: &str) -> Vec<&'static str> {
    let Some(d) = provider_def(provider) else { return vec![] };
    let mut keys: Vec<_> = d.required.iter().chain(d.optional).copied().collect();
    if d.name == "bedrock" {
        keys.extend_from_slice(AWS_CONFIG_KEYS);
    }
    keys
}

fn accepts(provider: &str, key: &str) -> bool {
    keys_of(provider).contains(&key)
}

/// One finding of [`check`]; warnings do not fail the check.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub line: usize,
    pub error: bool,
    pub message: String,
}

/// Reads (bounded: see [`super::read_config`]) and checks a gateway config file: what
/// `gwctl scaffold check FILE` runs.
pub fn check_file(path: &std::path::Path) -> Result<Vec<Problem>, super::ScaffoldError> {
    Ok(check(&super::read_config(path)?))
}

/// Checks a gateway config strictly: unknown keys at every level, keys given twice in a mapping
/// (MLflow's loader keeps the last silently), more than one YAML document, endpoint names and
/// types, duplicate names, known providers and their required keys, Azure's extra keys, limits,
/// and literal API keys (a warning: `$VAR` keeps them out of the file). Merges (`<<: *anchor`)
/// are resolved as MLflow's loader resolves them. Nesting deeper than [`yaml::MAX_DEPTH`] is
/// one error ("nested too deeply").
pub fn check(text: &str) -> Vec<Problem> {
    let mut out = Vec::new();
    let mut err = |line: usize, message: String| out.push(Problem { line, error: true, message });
    let doc = match yaml::parse_document(text) {
        Ok(d) => d,
        Err((line, msg)) if msg.starts_with("nested too deeply") || msg.starts_with("too many nodes") => {
            err(line, msg);
            return out;
        }
        Err((line, msg)) => {
            err(line, format!("not valid YAML: {msg}"));
            return out;
        }
    };
    if let Some(line) = doc.second_document {
        err(line, "a second YAML document starts here: MLflow reads a config of one document only".into());
    }
    for d in &doc.duplicates {
        err(
            d.line,
            format!(
                "key {:?} is given twice (first at line {}): MLflow's loader keeps only the last one",
                d.key, d.first_line
            ),
        );
    }
    let root = match doc.root {
        Some(r) => r,
        None => {
            err(1, "the file is empty: it needs an `endpoints:` list".into());
            return out;
        }
    };
    let mut warnings = Vec::new();
    let Kind::Map(_) = &root.kind else {
        err(root.line, "the top level must be a mapping with `endpoints:`".into());
        return out;
    };
    strict_keys(&root, &["endpoints", "routes"], "the top level", &mut err);
    let Some(endpoints) = root.get("endpoints") else {
        err(root.line, "no `endpoints:` list".into());
        return out;
    };
    let Kind::Seq(items) = &endpoints.kind else {
        err(endpoints.line, "`endpoints:` must be a list".into());
        return out;
    };
    let mut names = std::collections::HashMap::new();
    for ep in items {
        let Kind::Map(_) = &ep.kind else {
            err(ep.line, "each endpoint must be a mapping".into());
            continue;
        };
        strict_keys(ep, &["name", "endpoint_type", "route_type", "model", "limit"], "an endpoint", &mut err);
        let name = ep.get("name").and_then(Node::as_str);
        match name {
            None => err(ep.line, "an endpoint without `name:`".into()),
            Some(n) if !valid_name(n) => err(
                ep.get("name").map_or(ep.line, |x| x.line),
                format!("endpoint name {n:?}: use letters, digits, '-', '_' and '.' only"),
            ),
            Some(n) => {
                if let Some(first) = names.insert(n.to_string(), ep.line) {
                    err(ep.line, format!("endpoint {n:?} is defined twice (first at line {first})"));
                }
            }
        }
        let what = format!("endpoint {:?}", name.unwrap_or("?"));
        match ep.get("endpoint_type").or_else(|| ep.get("route_type")) {
            None => err(
                ep.line,
                format!("{what}: no `endpoint_type:` (llm/v1/chat, llm/v1/completions or llm/v1/embeddings)"),
            ),
            Some(t) => {
                let ok = t.as_str().is_some_and(|s| ENDPOINT_TYPES.iter().any(|(_, l)| *l == s));
                if !ok {
                    err(
                        t.line,
                        format!(
                            "{what}: endpoint_type {:?} is not llm/v1/chat, llm/v1/completions or llm/v1/embeddings",
                            t.as_str().unwrap_or("?")
                        ),
                    );
                }
            }
        }
        if let Some(limit) = ep.get("limit") {
            strict_keys(limit, &["calls", "key", "renewal_period"], &format!("{what}: limit"), &mut err);
            let calls_ok =
                limit.get("calls").and_then(Node::as_str).is_some_and(|c| c.parse::<u64>().is_ok_and(|n| n > 0));
            if !calls_ok {
                err(limit.line, format!("{what}: limit.calls must be a positive whole number"));
            }
            let period = limit.get("renewal_period").and_then(Node::as_str).unwrap_or("");
            if !["second", "minute", "hour", "day"].contains(&period) {
                err(limit.line, format!("{what}: limit.renewal_period {period:?} is not second, minute, hour or day"));
            }
        }
        let Some(model) = ep.get("model") else {
            err(ep.line, format!("{what}: no `model:`"));
            continue;
        };
        strict_keys(model, &["provider", "name", "config"], &format!("{what}: model"), &mut err);
        let Some(provider_node) = model.get("provider") else {
            err(model.line, format!("{what}: model has no `provider:`"));
            continue;
        };
        let provider = provider_node.as_str().unwrap_or("");
        let Some(def) = provider_def(provider) else {
            let names = provider_names();
            let hint = match closest(provider, &names) {
                Some(c) => format!("did you mean {c}?"),
                None => format!("known: {}", names.join(", ")),
            };
            err(provider_node.line, format!("{what}: unknown provider {provider:?} ({hint})"));
            continue;
        };
        let Some(config) = model.get("config") else {
            if !def.required.is_empty() {
                err(
                    model.line,
                    format!("{what}: provider {provider} needs `config:` with {}", def.required.join(", ")),
                );
            }
            continue;
        };
        let allowed: Vec<&str> = def.required.iter().chain(def.optional).copied().collect();
        strict_keys(config, &allowed, &format!("{what}: {provider} config"), &mut err);
        for r in def.required {
            if config.get(r).is_none_or(Node::is_null) {
                err(config.line, format!("{what}: {provider} config needs {r}"));
            }
        }
        if let Some(aws) = config.get("aws_config") {
            strict_keys(aws, AWS_CONFIG_KEYS, &format!("{what}: aws_config"), &mut err);
        }
        if def.name == "openai" {
            let api_type =
                config.get("openai_api_type").and_then(Node::as_str).unwrap_or("openai").to_ascii_lowercase();
            match api_type.as_str() {
                "openai" => {
                    if let Some(d) = config.get("openai_deployment_name") {
                        err(d.line, format!("{what}: openai_deployment_name is for openai_api_type azure or azuread"));
                    }
                }
                "azure" | "azuread" => {
                    for k in ["openai_api_base", "openai_deployment_name", "openai_api_version"] {
                        if config.get(k).is_none() {
                            err(config.line, format!("{what}: openai_api_type {api_type} needs {k}"));
                        }
                    }
                    if let Some(o) = config.get("openai_organization") {
                        err(o.line, format!("{what}: openai_organization is only for openai_api_type openai"));
                    }
                }
                other => err(config.line, format!("{what}: openai_api_type {other:?} is not openai, azure or azuread")),
            }
        }
        if let Some((key, var)) = def.secret
            && let Some(v) = config.get(key)
            && let Some(s) = v.as_str()
            && !s.starts_with('$')
            && !s.is_empty()
        {
            warnings.push(Problem {
                line: v.line,
                error: false,
                message: format!("{what}: {key} holds the key itself; prefer a reference such as ${var}"),
            });
        }
    }
    out.extend(warnings);
    out.sort_by_key(|p| p.line);
    out
}

fn strict_keys(node: &Node, allowed: &[&str], what: &str, err: &mut impl FnMut(usize, String)) {
    let Kind::Map(entries) = &node.kind else {
        if !node.is_null() {
            err(node.line, format!("{what} must be a mapping"));
        }
        return;
    };
    for (k, line, _) in entries {
        if !allowed.contains(&k.as_str()) {
            let hint = closest(k, allowed).map(|c| format!(" (did you mean {c}?)")).unwrap_or_default();
            err(*line, format!("{what}: unknown key {k:?}{hint}; MLflow would ignore it silently"));
        }
    }
}

/// The allowed key nearest to a typo: a small edit distance (at most a third of its length),
/// or the same words in another order or with one changed (`openai_base_url` → `openai_api_base`).
fn closest<'a>(key: &str, allowed: &[&'a str]) -> Option<&'a str> {
    let by_edit = allowed
        .iter()
        .map(|a| (levenshtein(key, a), *a))
        .filter(|(d, a)| *d <= (a.len() / 3).max(2))
        .min()
        .map(|(_, a)| a);
    by_edit.or_else(|| {
        let words: Vec<&str> = key.split(['_', '-']).collect();
        allowed
            .iter()
            .map(|a| (a.split(['_', '-']).filter(|w| words.contains(w)).count(), *a))
            .filter(|(shared, a)| *shared >= 2 && *shared + 1 >= a.split(['_', '-']).count().max(words.len()))
            .max_by_key(|(shared, _)| *shared)
            .map(|(_, a)| a)
    })
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            cur.push((prev[j] + usize::from(ca != *cb)).min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_specs() {
        let e: EndpointSpec = "claude:chat:bedrock:anthropic.claude-3-5-sonnet-20240620-v1:0".parse().unwrap();
        assert_eq!(e.model, "anthropic.claude-3-5-sonnet-20240620-v1:0");
        for bad in ["chat", "a b:chat:openai:m", "c:talk:openai:m", "c:chat:nope:m", "c:chat:openai:"] {
            assert!(bad.parse::<EndpointSpec>().is_err(), "{bad}");
        }
    }

    #[test]
    fn check_finds_typos_with_lines() {
        let text = "endpoints:\n  - name: chat\n    endpoint_type: llm/v1/chat\n    model:\n      provider: openai\n      name: gpt-4o\n      config:\n        openai_api_key: sk-live\n        openai_base_url: http://x\n    limits: {calls: 1}\n";
        let p = check(text);
        let errors: Vec<_> = p.iter().filter(|p| p.error).map(|p| (p.line, p.message.as_str())).collect();
        assert_eq!(errors.len(), 2, "{p:?}");
        assert_eq!(errors[0].0, 9);
        assert!(
            errors[0].1.contains("openai_base_url") && errors[0].1.contains("did you mean openai_api_base"),
            "{p:?}"
        );
        assert_eq!(errors[1].0, 10);
        assert!(errors[1].1.contains("\"limits\"") && errors[1].1.contains("did you mean limit"), "{p:?}");
        assert!(p.iter().any(|p| !p.error && p.line == 8 && p.message.contains("$OPENAI_API_KEY")), "{p:?}");
    }

    #[test]
    fn rendered_configs_pass_the_check() {
        let eps: Vec<EndpointSpec> =
            ["chat:chat:openai:gpt-4o-mini", "emb:embeddings:mistral:mistral-embed", "b:chat:bedrock:a:b:0"]
                .iter()
                .map(|s| s.parse().unwrap())
                .collect();
        let o = RenderOptions { limit: Some((10, "minute".into())), ..Default::default() };
        let text = render(&eps, &o).unwrap();
        assert!(check(&text).is_empty(), "{text}");
        let bad = RenderOptions { set: vec![("openai_base_url".into(), "x".into())], ..Default::default() };
        assert!(render(&eps, &bad).unwrap_err().contains("no chosen provider"));
    }
}
