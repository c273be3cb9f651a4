import Foundation

/// A credential planted by a leak test: built at test time from a random body, never a realistic token
/// committed to the repository. Prefixes are split in the source (`"gh" + "p_"`) so that no scanner takes
/// this file for a leak.
public struct LeakToken: Sendable, CustomStringConvertible {
    public var kind: String
    /// What is planted.
    public var text: String
    /// What must never appear: neither whole nor any 12 characters of it (a preview may show the prefix).
    public var secret: String

    public init(kind: String, text: String, secret: String) {
        self.kind = kind
        self.text = text
        self.secret = secret
    }

    public var description: String { kind }

    /// Every 12-character piece of the secret (the whole secret when shorter).
    public var pieces: [String] {
        let chars = Array(secret)
        guard chars.count > 12 else { return [secret] }
        return (0...(chars.count - 12)).map { String(chars[$0..<($0 + 12)]) }
    }
}

public enum LeakTokens {
    public static let upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ", lower = "abcdefghijklmnopqrstuvwxyz", digits = "0123456789"
    public static let alnum = upper + lower + digits

    public static func random(_ n: Int, _ alphabet: String = alnum) -> String {
        let a = Array(alphabet)
        return String((0..<n).map { _ in a.randomElement()! })
    }

    /// Random base62 with at least one digit (some token bodies always have one).
    static func withDigit(_ n: Int) -> String {
        var s = Array(random(n - 1))
        s.insert(Character(random(1, digits)), at: Int.random(in: 0...s.count))
        return String(s)
    }

    /// One token of each shape the redactor knows (26 kinds), plus a password in a URL.
    public static func all() -> [LeakToken] {
        let dash = alnum + "-_", hex = "0123456789abcdef"
        func t(_ kind: String, _ prefix: String, _ body: String) -> LeakToken {
            LeakToken(kind: kind, text: prefix + body, secret: body)
        }
        let password = random(20)
        return [
            t("github-classic", "gh" + "p_", random(36)),
            t("github-oauth", "gh" + "o_", random(36)),
            t("github-user", "gh" + "u_", random(36)),
            t("github-server", "gh" + "s_", random(36)),
            t("github-refresh", "gh" + "r_", random(36)),
            t("github-fine-grained", "github" + "_pat_", random(22) + "_" + random(59)),
            t("gitlab-pat", "gl" + "pat-", random(20, dash)),
            t("gitlab-runner", "gl" + "rt-", random(20, dash)),
            t("slack-bot", "xo" + "xb-", random(12, digits) + "-" + random(13, digits) + "-" + random(24)),
            t("slack-user", "xo" + "xp-", random(12, digits) + "-" + random(13, digits) + "-" + random(32, hex)),
            t("aws-access-key", "AK" + "IA", random(16, upper + "234567")),
            t("aws-session-key", "AS" + "IA", random(16, upper + "234567")),
            t("stripe-secret", "sk" + "_live_", random(24)),
            t("stripe-restricted", "rk" + "_live_", random(24)),
            t("stripe-webhook", "wh" + "sec_", random(32)),
            t("anthropic", "sk" + "-ant-api03-", random(48, dash)),
            t("openai-project", "sk" + "-proj-", random(48, dash)),
            t("npm", "np" + "m_", withDigit(36)),
            t("pypi", "py" + "pi-", "AgEIcHlwaS5vcmc" + random(50, dash)),
            t("huggingface", "h" + "f_", random(34, upper + lower)),
            t("google-api", "AI" + "za", random(35, dash)),
            t("sendgrid", "S" + "G.", random(22, dash) + "." + random(43, dash)),
            // A JWT's header is public ({"alg":...}); its payload and signature are what must not show.
            { let secret = "ey" + "J" + random(40) + "." + random(43, dash)
              return LeakToken(kind: "jwt", text: "ey" + "J" + random(24) + "." + secret, secret: secret) }(),
            t("digitalocean", "do" + "p_v1_", random(64, hex)),
            t("shopify", "shp" + "at_", random(32, hex)),
            t("age", "AGE-SECRET-" + "KEY-1", random(58, upper + digits)),
            LeakToken(kind: "url-password", text: "postgres://svc:\(password)@db.internal:5432/app", secret: password),
        ]
    }

    /// A private key's body lines (64 base64 characters each, then a short one), as PEM writes them.
    public static func keyBody(lines: Int = 25) -> [String] {
        (0..<lines).map { _ in random(64, alnum + "+/") } + [random(44, alnum + "+/") + "=="]
    }
}
