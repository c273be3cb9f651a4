/// The credential shapes the redactor knows, each with the text that must be present before its regex is
/// worth running (the prefilter) and what replaces a match.
///
/// Distinctive prefixes (`ghp_`, `AKIA`, `xoxb-`, `sk_live_`, `glpat-`, `-----BEGIN`...) match anywhere, with no
/// word boundary in front: a token glued to an escape sequence, an underscore or a word is still a token.
/// Bodies need only 8 characters, not the full length, so that a token cut at a buffer edge (a capped
/// field, a kept tail) is still recognised. Shorter or common prefixes (`hf_`, `sk-`) keep a guard against a
/// letter or digit in front. Matching runs on text whose escape sequences are already set aside.
struct RedactionRule: Sendable {
    enum Style: Sendable {
        /// Up to four leading characters, then `…[redacted]`.
        case preview
        /// A fixed text.
        case replace(String)
    }

    let name: String
    let pattern: String
    /// The capture group that is redacted (0: the whole match).
    let group: Int
    /// Texts one of which must occur for the rule to match (the prefilter).
    let triggers: [String]
    /// Triggers compare without regard to ASCII case.
    let anyCase: Bool
    let style: Style

    init(_ name: String, _ pattern: String, group: Int = 0, triggers: [String], anyCase: Bool = false,
         style: Style = .preview) {
        self.name = name
        self.pattern = pattern
        self.group = group
        self.triggers = triggers
        self.anyCase = anyCase
        self.style = style
    }

    /// The prefilter's pseudo-trigger for the PEM body rule: a run of this many base64 characters.
    static let base64Run = 60

    static let all: [RedactionRule] = [
        RedactionRule("private-key", #"-----BEGIN[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[^\-]++|-(?!----END))*+(?:-----END[A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----)?"#,
                      triggers: ["-----BEGIN"], style: .replace("[redacted private key]")),
        // A key body without its BEGIN line (it fell before a kept tail): two or more whole lines of 60 to
        // 76 base64 characters (PEM writes 64, OpenSSH 70, MIME 76), and the short last line.
        RedactionRule("key-body", #"(?m)^(?:[A-Za-z0-9+/]{60,76}\r?\n){2,}+(?:[A-Za-z0-9+/]{4,75}={0,2}\r?$)?"#,
                      triggers: [], style: .replace("[redacted key material]")),
        // The last lines of a key body, before its END line.
        RedactionRule("key-tail", #"(?m)((?:^[A-Za-z0-9+/=]{8,76}\r?\n)++)-----END[A-Z0-9 ]{0,40}PRIVATE KEY"#, group: 1,
                      triggers: ["-----END"], style: .replace("[redacted key material]\n")),
        RedactionRule("github", #"gh[pousr]_[A-Za-z0-9]{8,}|github_pat_[A-Za-z0-9_]{8,}"#,
                      triggers: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"]),
        RedactionRule("gitlab", #"gl(?:pat|ptt|rt|dt|cbt|soat|ft)-[A-Za-z0-9_\-]{8,}"#,
                      triggers: ["glpat-", "glptt-", "glrt-", "gldt-", "glcbt-", "glsoat-", "glft-"]),
        RedactionRule("slack", #"xox[abposre]-[A-Za-z0-9\-]{8,}|xapp-[0-9]-[A-Za-z0-9\-]{8,}"#, triggers: ["xox", "xapp-"]),
        RedactionRule("stripe", #"(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{8,}|whsec_[A-Za-z0-9]{8,}"#,
                      triggers: ["sk_live_", "rk_live_", "sk_test_", "rk_test_", "pk_live_", "whsec_"]),
        RedactionRule("aws", #"(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{8,}"#, triggers: ["AKIA", "ASIA", "ABIA", "ACCA"]),
        RedactionRule("ai-keys", #"sk-(?:ant-|proj-|svcacct-|admin-)[A-Za-z0-9_\-]{8,}|(?<![A-Za-z0-9_\-])sk-[A-Za-z0-9]{20,}"#,
                      triggers: ["sk-"]),
        // npm's own variables (npm_lifecycle_event...) share the prefix in lower case: a token body has a
        // capital or a digit.
        RedactionRule("npm", #"npm_(?=[a-z]*[A-Z0-9])[A-Za-z0-9]{8,}"#, triggers: ["npm_"]),
        RedactionRule("pypi", #"pypi-AgE[A-Za-z0-9_\-]{8,}"#, triggers: ["pypi-"]),
        RedactionRule("huggingface", #"hf_[A-Za-z0-9]{8,}"#, triggers: ["hf_"]),
        RedactionRule("google", #"AIza[0-9A-Za-z_\-]{8,}"#, triggers: ["AIza"]),
        RedactionRule("sendgrid", #"SG\.[A-Za-z0-9_\-]{8,}(?:\.[A-Za-z0-9_\-]*+)?"#, triggers: ["SG."]),
        RedactionRule("digitalocean", #"do[opr]_v1_[a-f0-9]{8,}"#, triggers: ["_v1_"]),
        RedactionRule("shopify", #"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{8,}"#, triggers: ["shpat_", "shpca_", "shppa_", "shpss_"]),
        RedactionRule("age", #"AGE-SECRET-KEY-1[0-9A-Z]{8,}"#, triggers: ["AGE-SECRET-KEY-"]),
        RedactionRule("jwt", #"eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]*+(?:\.[A-Za-z0-9_\-]*+)?"#, triggers: ["eyJ"]),
        // scheme://user:password@host: the password only. The user may be empty (redis://:password@host), the
        // scheme may have been cut off, and a path normaliser may have made `//` one slash.
        RedactionRule("url-password", #":/{1,3}[^\s:/@]*+:([^\s@/]++)@"#, group: 1,
                      triggers: [":/"], style: .replace("***")),
        // NAME=value, NAME: value, "name": "value" where the name ends in a credential word. Plain PWD and
        // OLDPWD (the shell's working directory) have no separator before PWD, so they do not match.
        // The value stops at `&` (the next field of a form or query) and never starts with `[`, so that an
        // already redacted `"password": "[redacted]"` stays as it is.
        RedactionRule("assignment", #"(?i)(?:password|passwd|passphrase|secret|token|api[_\-]?key|[_.\-](?:pwd|pass|key|dsn))["']?\s*[:=]\s*["']?([^\s"',;&\[][^\s"',;&]{7,})"#,
                      group: 1, triggers: ["pass", "secret", "token", "apikey", "api_key", "api-key", "pwd", "key", "dsn"],
                      anyCase: true),
        // Command-line flags: `--db-password VALUE`, `--token VALUE` (the `=` form is an assignment).
        RedactionRule("flag", #"(?i)--(?:[a-z0-9]+-)*(?:password|passwd|pass|token|secret|api-?key)\s+["']?([^\s"',;\-][^\s"',;]{5,})"#,
                      group: 1, triggers: ["pass", "token", "secret", "key"], anyCase: true),
        // Authorization headers and `token VALUE`: the value only, when it has a digit (so prose does not match).
        RedactionRule("auth-header", #"(?i)\b(?:bearer|token|basic)\s+((?=[^\s"',;]*[0-9])[A-Za-z0-9_\-.=+/~]{16,})"#, group: 1,
                      triggers: ["bearer", "token", "basic"], anyCase: true),
        // Key-aware: the value of a key named like a credential, however short, in JSON ("password": "x",
        // "api_key": 12), form and query bodies (password=x&...) and header lines (Authorization: ...). The
        // key must end in the credential word (`token_type` and `secret_count` stay). Evidence kept from an
        // answer ({"password": "pass1"}) carries short values that the assignment rule's 8 characters miss.
        RedactionRule("credential-key", #"(?im)(?|"[A-Za-z0-9_.\-]*+(?<=password|passwd|passphrase|secret|token|apikey|api_key|api-key|private_key|privatekey|private-key|authorization|cookie)"\s*+:\s*+"((?:[^"\\\r\n]|\\.)++)"?|"[A-Za-z0-9_.\-]*+(?<=password|passwd|passphrase|secret|token|apikey|api_key|api-key|private_key|privatekey|private-key)"\s*+:\s*+(-?[0-9][0-9.eE+\-]*+)|(?<![A-Za-z0-9_.\-])[A-Za-z0-9_.\-]*+(?<=password|passwd|passphrase|secret|token|apikey|api_key|api-key|private_key|privatekey|private-key)=([^&\s"';]++)|^[ \t]*+(?:proxy-authorization|authorization|x-api-key|api-key|x-auth-token|cookie|set-cookie)[ \t]*+:[ \t]*+([^\r\n]++))"#,
                      group: 1, triggers: ["pass", "secret", "token", "key", "authorization", "cookie"], anyCase: true,
                      style: .replace("[redacted]")),
    ]

    /// Index of the PEM body rule, which the prefilter triggers by shape rather than by text.
    static let keyBodyIndex = all.firstIndex { $0.name == "key-body" }!
}
