/// Numbers as people read them in summaries and messages.
public enum NumberText {
    /// Digits grouped by thousands with commas, whatever the locale: "1,000,000".
    public static func grouped(_ n: Int) -> String {
        let s = String(n.magnitude)
        var out = n < 0 ? "-" : ""
        for (i, c) in s.enumerated() {
            if i > 0 && (s.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }
}
