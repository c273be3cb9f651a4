// Generated from default-rules.toml, which is the file to edit. Regenerate this file with
// `GATE_RECORD=1 swift test --filter DefaultRulesetTests`; a test fails while the two differ.
// The ruleset is compiled into the binary as a string (not a SwiftPM resource) so that the installed
// `gate` is one self-contained file: resource bundles must sit beside the executable at run time.

/// The built-in ruleset's TOML text.
enum DefaultRules {
    static let toml = ##"""
# gate's built-in secrets ruleset.
#
# The schema is gitleaks' (id, description, regex, secretGroup, entropy, keywords, path, allowlists) plus
# gate's optional keys:
#   severity        error | warning | note (default error)
#   confidence      high | medium | low; when two findings overlap, the more confident one is kept
#   validate        crc32-base62 (GitHub and npm checksums) | jwt-header (the header is JSON with "alg")
#   filters         assignment (value checks for free-form `name = value` secrets); random-tail (runs are
#                   judged on the part after the last `-` only, with allowRuns, for tokens led by numeric ids)
#   keywordCase     exact: the keywords match only as written (default any: in any case, as in gitleaks)
#   window          bytes around a keyword hit that the regex sees (default 512, clipped to the line)
#   windowBefore    bytes before a keyword hit that the regex sees, when fewer than window
#   multiline       true lets the window cross line ends
#   startsBefore, startsAfter, startsAt
#                   where a match can start: from startsBefore bytes before a keyword hit to startsAfter
#                   bytes after it, or at any byte of the startsAt string; the regex is then tried there
#                   only (a speed-up: set them only when the regex cannot start anywhere else)
#   allowHex        true keeps secrets made only of hex digits (otherwise dropped as digests)
#   allowUUID       true keeps UUIDs (otherwise dropped as identifiers), for services whose keys are UUIDs
#   allowRuns       true keeps secrets with runs of six repeated or ascending characters (formats that start
#                   with a fixed run, such as Twitter's bearer tokens)
#   validate = "off" in a rule of a config that extends the defaults turns off the base rule's checks
#   examples        text that must produce a finding of this rule
#   counterexamples text that must not
#   aliases         gitleaks' ids for the same rule, so disabledRules and overrides keep working
#   [macros]        named pieces of regex, inserted where a regex says {{name}}
#   allowlists may target the `name` (regexTarget = "name": the match from the start of the identifier it
#   begins in, so `csrf_token = v` is seen whole although the regex starts at `token`); and may list
#   `hashes`: SHA-256 digests (hex prefixes of 32 digits or more) of public example
#   secrets, so that the file lists them without holding them; and `placeholders`: filler words that allow
#   a value made of them (`test`, `changeme123`), judged on the whole value, where gitleaks' `stopwords`
#   allow any value that contains one
#
# Examples are templates, expanded at test time so that no realistic token is ever committed:
#   {r:CLASS:N}  N random characters of CLASS: A (A-Z), a (a-z), 9 (0-9), h (0-9a-f), H (0-9A-F),
#                62 (base62), 64 (base64), u (base64url), 32 (A-Z2-7), a9 (a-z0-9), A9 (A-Z0-9),
#                bech (the upper-case bech32 alphabet)
#   {crc:N}      the base62 CRC32 of the N characters before it; {badcrc:N} a wrong one
#   {jwt}        a JWT with a JSON header; {jwt-noalg} one whose header has no "alg"; {jwt-unsigned} an
#                unsigned one (alg none, empty signature after the last dot)
#   {pem:LABEL}  a PEM block with a random body; {pem1:LABEL} the same on one line with \n escapes
#   {nl}         a line break
#
# Boundaries: a token ends where the next character is not a token character, so each regex states
# its own token alphabet in a look-ahead (and a look-behind for the start) instead of a fixed list of
# terminators. Tokens inside XML text, or followed by `,`, `)` or `&`, are found.

title = "gate built-in secrets rules"

# Pieces that several regexes share; a regex inserts one as {{name}} (gate's addition to the schema).
[macros]
# The names of secrets: passwords, secrets, tokens, API keys, credentials.
strong-names = '''password|passwd|passphrase|pwd|pass(?![a-z])|secret|token|api[_.\-]?key|apikey|access[_.\-]?key|private[_.\-]?key|auth[_.\-]?key|client[_.\-]?secret|credentials?|creds|contrase(?:ñ|n)a|(?<=[?&])key(?==)'''
# The rest of the name after its keyword.
name-rest = '''[a-z0-9_.\-]{0,30}'''
# How code and configs pair a name with its value: an operator (= := ::= :::= ?= += .= ??= == != => : >)
# after optional quotes, brackets or a type (`var x string =`, `val x: String =`, `char x[25] =`); an XML
# element whose value sits on its own line; ("name", "value"); key="name" value="value"; name("value");
# x.assign("value"); a Kubernetes `- name:` line followed by `value:`; `name - 'value'`; `name "value";`.
pair = '''(?:(?:\\?["'\]]){0,2}(?:\[[0-9]{0,4}\])?(?:[ \t]*:?[ \t]*(?:string|str|String|char|CharSequence|\[\]byte|&str|std::string)[ \t]*\*?)?[ \t]{0,4}(?:::?:?=|[?.+]=|\?\?=|!==?|===?|=>|=|:|>(?![ \t]*\r?\n))[ \t]{0,4}@?|>[ \t]*\r?\n[ \t]*(?=[^\s<]{8,200}[ \t]*\r?\n[ \t]*</)|["'][ \t]*,[ \t]*(?=["'`][^"'`\s]*[0-9!@#$%^&*+=~][^"'`\s]*["'`])|["'][ \t]+value[ \t]*=[ \t]*(?=["'])|(?:\.assign)?[ \t]*\([ \t]*(?=["'`][^"'`\s]*[0-9!@#$%^&*+=~][^"'`\s]*["'`])|["']?[ \t]*\r?\n[ \t]*value:[ \t]*|[ \t]+-[ \t]+(?=["'])|[ \t]+(?="[^"\r\n]{8,200}"[ \t]*;|'[^'\r\n]{8,200}'[ \t]*;))'''
# A value: quoted (also with escaped quotes; a space of padding inside the quotes is not part of it, as in
# trufflehog's generated pattern tests `pandascore token = ' v '`; up to 1,024 characters between plain
# quotes, for long tokens such as trufflehog's lexigram and rentman tests), or bare up to a space, quote,
# bracket or escaped line break.
value = '''(?|\\"([^"\\\r\n]{8,280})\\"|"[ \t]?([^"\r\n]{8,1024}?)[ \t]?"|'[ \t]?([^'\r\n]{8,1024}?)[ \t]?'|`([^`\r\n]{8,280})`|((?:[^\s"'`<>,;&()\[\]{}\\]|\\(?![nrt"'])){8,200}+)(?![{$(]))'''
# Up to 40 bytes, line breaks included, between a service's name and its value: `asana_token: v`,
# `<asanaToken>` with v on the next line, `System.setProperty("ASANA_TOKEN", "v")`, `asana token = 'v'`.
near = '''[\s\S]{0,40}?'''
# A quoted value without spaces, 64 characters at most, on the left of a comparison: a minified line is
# full of quotes, and each one starts a try, so the try must end early.
compared-value = '''(?|"([^"\s]{8,64}+)"|'([^'\s]{8,64}+)')'''

# ---------------------------------------------------------------- AWS

[[rules]]
id = "aws-access-key-id"
description = "AWS access key id"
regex = '''(?<![A-Za-z0-9])((?:AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16})(?![A-Za-z0-9])'''
keywords = ["akia", "asia", "abia", "acca"]
confidence = "high"
entropy = 3.0
aliases = ["aws-access-token"]
help = "Deactivate the key in IAM, rotate it, and load credentials from the environment or a role instead."
examples = [
  "aws_access_key_id = AKIA{r:32:16}",
  "<AccessKeyId>ASIA{r:32:16}</AccessKeyId>",
  "keys=[AKIA{r:32:16}, other]",
  "https://s3.example.invalid/?AWSAccessKeyId=AKIA{r:32:16}&Expires=1",
]
counterexamples = [
  "aws_access_key_id = AKIAIOSFODNN7EXAMPLE",
  "aws_access_key_id = AKIA{r:32:15}",
  "id = XAKIA{r:32:16}",
  "id = AKIA{r:32:16}Z",
]

[[rules]]
id = "aws-secret-access-key"
description = "AWS secret access key, next to its key id or its name"
regex = '''(?<![A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])'''
keywords = ["akia", "asia", "aws_secret_access_key", "secret_access_key", "secretaccesskey", "aws_secret_key"]
multiline = true
window = 768
entropy = 4.0
filters = ["mixed"]
confidence = "high"
help = "Deactivate the key pair in IAM and rotate it."
examples = [
  "aws_access_key_id = AKIA{r:32:16}{nl}aws_secret_access_key = {r:64:40}",
  "<Credentials><AccessKeyId>ASIA{r:32:16}</AccessKeyId><SecretAccessKey>{r:64:40}</SecretAccessKey></Credentials>",
  "aws_secret_access_key = {r:64:40}",
]
counterexamples = [
  "aws_access_key_id = AKIAIOSFODNN7EXAMPLE{nl}aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  "aws_access_key_id = AKIA{r:32:16}{nl}commit = {r:h:40}",
  "aws_access_key_id = AKIA{r:32:16}{nl}path = aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd",
]

# ---------------------------------------------------------------- GitHub (checksummed)

[[rules]]
id = "github-pat"
description = "GitHub personal access token (classic)"
regex = '''(?<![A-Za-z0-9_])(ghp_[A-Za-z0-9]{36})(?![A-Za-z0-9_])'''
keywords = ["ghp_"]
validate = ["crc32-base62"]
confidence = "high"
help = "Revoke the token in GitHub's developer settings and create a new one."
examples = [
  "GITHUB_TOKEN=ghp_{r:62:30}{crc:30}",
  "<token>ghp_{r:62:30}{crc:30}</token>",
  "login(ghp_{r:62:30}{crc:30})",
  "?a=1&t=ghp_{r:62:30}{crc:30}&b=2",
  "tokens: [ghp_{r:62:30}{crc:30}, ghp_{r:62:30}{crc:30}]",
]
counterexamples = [
  "GITHUB_TOKEN=ghp_{r:62:30}{badcrc:30}",
  "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
  "GITHUB_TOKEN=ghp_{r:62:30}{crc:30}{r:62:3}",
  "GITHUB_TOKEN=${GITHUB_TOKEN}",
]

[[rules]]
id = "github-oauth"
description = "GitHub OAuth access token"
regex = '''(?<![A-Za-z0-9_])(gho_[A-Za-z0-9]{36})(?![A-Za-z0-9_])'''
keywords = ["gho_"]
validate = ["crc32-base62"]
confidence = "high"
examples = ['"access_token": "gho_{r:62:30}{crc:30}"']
counterexamples = ['"access_token": "gho_{r:62:30}{badcrc:30}"']

[[rules]]
id = "github-app-token"
description = "GitHub App user-to-server or server-to-server token"
regex = '''(?<![A-Za-z0-9_])(gh[us]_[A-Za-z0-9]{36})(?![A-Za-z0-9_])'''
keywords = ["ghu_", "ghs_"]
validate = ["crc32-base62"]
confidence = "high"
examples = ["token: ghs_{r:62:30}{crc:30}", "token: ghu_{r:62:30}{crc:30}"]
counterexamples = ["token: ghs_{r:62:30}{badcrc:30}"]

[[rules]]
id = "github-refresh-token"
description = "GitHub refresh token"
regex = '''(?<![A-Za-z0-9_])(ghr_[A-Za-z0-9]{36,76})(?![A-Za-z0-9_])'''
keywords = ["ghr_"]
validate = ["crc32-base62"]
confidence = "high"
examples = ["refresh_token=ghr_{r:62:30}{crc:30}"]
counterexamples = ["refresh_token=ghr_{r:62:30}{badcrc:30}"]

[[rules]]
id = "github-fine-grained-pat"
description = "GitHub fine-grained personal access token"
regex = '''(?<![A-Za-z0-9_])(github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9_])'''
keywords = ["github_pat_"]
validate = ["crc32-base62"]
confidence = "high"
help = "Revoke the token in GitHub's developer settings and create a new one."
examples = ["GH_TOKEN='github_pat_{r:62:22}_{r:62:53}{crc:53}'"]
counterexamples = ["GH_TOKEN='github_pat_{r:62:22}_{r:62:53}{badcrc:53}'"]

# Before 2021 GitHub issued tokens of 40 hex digits, which look like any SHA-1. They are reported only when
# a GitHub keyword on the same line names them as a credential (HOMEBREW_GITHUB_API_TOKEN=, github.token,
# a token in a github.com URL), at medium confidence.
[[rules]]
id = "github-token-hex"
description = "GitHub token in the pre-2021 format (40 hex digits), named by a GitHub keyword"
regex = '''(?i)(?:(?<![a-z0-9])(?:github|gh)[a-z0-9_.\-]{0,30}?(?:token|pat(?![a-z])|api[_.\-]?key|key(?![a-z])|secret|oauth|password|passwd|pass(?![a-z])|credentials?)[a-z0-9_.\-]{0,20}["'\]]{0,2}[ \t]{0,4}(?::=|=>|=|:|[ \t])[ \t]{0,4}["']?|(?:token|bearer)[ \t]+(?=[0-9a-f]{40}[^\r\n]{0,200}github\.com)|//(?=[0-9a-f]{40}(?::x-oauth-basic)?@(?:api\.)?github\.com)|//[^\s:/@]{1,64}:(?=[0-9a-f]{40}@(?:api\.)?github\.com))(?<![0-9a-z])([0-9a-f]{40})(?![0-9a-z])'''
keywords = ["github", "gh_", "gh-", "gh.", "ghtoken"]
window = 320
allowHex = true
confidence = "medium"
entropy = 3.0
help = "Revoke the token in GitHub's developer settings (a 40-hex token is from before 2021: replace it with a fine-grained one)."
examples = [
  "export HOMEBREW_GITHUB_API_TOKEN={r:h:40}",
  "github_token: \"{r:h:40}\"",
  "git config --global github.token {r:h:40}",
  "GH_TOKEN={r:h:40}",
  "git clone https://{r:h:40}:x-oauth-basic@github.com/acme/app.git",
  "url = https://deploy:{r:h:40}@github.com/acme/app.git",
  "curl -H 'Authorization: token {r:h:40}' https://api.github.com/user",
]
counterexamples = [
  "GITHUB_SHA={r:h:40}",
  "github_commit: {r:h:40}",
  "TOKEN_SHA1={r:h:40}",
  "checksum = {r:h:40}",
  "https://github.com/acme/app/commit/{r:h:40}",
  "GITHUB_TOKEN={r:h:39}",
  "github_token: \"0123456789abcdef0123456789abcdef01234567\"",
]
[[rules.allowlists]]
description = "names of digests and commits"
regexTarget = "name"
regexes = ['''(?i)^[a-z0-9_.\-]*?(?:sha|sha1|hash|digest|checksum|commit|rev|ref|id|fingerprint)[0-9]{0,3}(?![a-z0-9_.\-])''']

# ---------------------------------------------------------------- GitLab

[[rules]]
id = "gitlab-pat"
description = "GitLab personal, project or group access token"
regex = '''(?<![A-Za-z0-9_\-])(glpat-[A-Za-z0-9_\-]{20,300}(?:\.[A-Za-z0-9_\-]{2,16}){0,2})(?![A-Za-z0-9_\-])'''
keywords = ["glpat-"]
aliases = ["gitlab-pat-routable"]
confidence = "high"
entropy = 3.0
help = "Revoke the token in GitLab's access token settings and create a new one."
examples = ["CI_TOKEN=glpat-{r:u:20}", "<value>glpat-{r:62:20}</value>"]
counterexamples = ["CI_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx", "CI_TOKEN=glpat-<your-token-here>"]

[[rules]]
id = "gitlab-pipeline-trigger-token"
description = "GitLab pipeline trigger token"
# gitleaks' tests use 40 hex digits; detect-secrets' take any 40 characters of the token alphabet.
regex = '''(?<![A-Za-z0-9_\-])(glptt-[A-Za-z0-9_\-]{40})(?![A-Za-z0-9_\-])'''
keywords = ["glptt-"]
aliases = ["gitlab-ptt"]
confidence = "high"
entropy = 3.0
examples = [
  "curl -F token=glptt-{r:h:40} -F ref=main",
  # detect-secrets detect_secrets/plugins/gitlab_token.py GitLabTokenDetector.denylist, tests/plugins/gitlab_token_test.py TestGitLabTokenDetector.test_trigger_token
  "glptt-{r:62:5}_{r:62:3}-{r:62:10}-{r:62:6}--{r:62:4}_{r:62:6}",
]
counterexamples = ["token=glptt-{r:h:39}", "token=glptt-{r:62:46}", "token=glptt-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"]

[[rules]]
id = "gitlab-runner-registration-token"
description = "GitLab runner registration token"
regex = '''(?<![A-Za-z0-9_\-])(GR1348941[A-Za-z0-9_\-]{20,50})(?![A-Za-z0-9_\-])'''
keywords = ["gr1348941"]
aliases = ["gitlab-rrt"]
confidence = "high"
entropy = 3.0
examples = [
  "registration-token: GR1348941{r:62:20}",
  # detect-secrets detect_secrets/plugins/gitlab_token.py GitLabTokenDetector.denylist, tests/plugins/gitlab_token_test.py TestGitLabTokenDetector.test_runner_registration_token
  "GR1348941{r:62:6}_{r:62:13}_{r:62:6}_{r:62:6}_{r:62:4}_{r:62:4}_{r:62:4}",
]
counterexamples = ["registration-token: GR1348941xxxxxxxxxxxxxxxxxxxx", "GR1348941{r:62:51}", "GR1348941{r:62:10}", "GR134894112312312312312312312"]

[[rules]]
id = "gitlab-runner-auth-token"
description = "GitLab runner authentication token"
regex = '''(?<![A-Za-z0-9_\-])(glrt-(?:t[0-9]_)?[A-Za-z0-9_\-]{20,300}(?:\.[0-9a-z]{2}[0-9a-z]{7})?)(?![A-Za-z0-9_\-])'''
keywords = ["glrt-"]
aliases = ["gitlab-runner-authentication-token", "gitlab-runner-authentication-token-routable"]
confidence = "high"
entropy = 3.0
examples = ['token = "glrt-{r:62:20}"']
counterexamples = ['token = "glrt-REPLACE_WITH_TOKEN"']

[[rules]]
id = "gitlab-deploy-token"
description = "GitLab deploy token"
regex = '''(?<![A-Za-z0-9_\-])(gldt-[A-Za-z0-9_\-]{20,64})(?![A-Za-z0-9_\-])'''
keywords = ["gldt-"]
confidence = "high"
entropy = 3.0
examples = ["DEPLOY_TOKEN=gldt-{r:62:20}"]
counterexamples = ["DEPLOY_TOKEN=gldt-{r:62:12}"]

[[rules]]
id = "gitlab-feed-token"
description = "GitLab feed token"
regex = '''(?<![A-Za-z0-9_\-])(glft-[A-Za-z0-9_\-]{20})(?![A-Za-z0-9_\-])'''
keywords = ["glft-"]
confidence = "high"
entropy = 3.0
examples = ["https://gitlab.example.invalid/dashboard/issues.atom?feed_token=glft-{r:62:20}&state=opened"]
counterexamples = ["feed_token=glft-{r:62:19}"]

[[rules]]
id = "gitlab-oauth-app-secret"
description = "GitLab OAuth application secret"
regex = '''(?<![A-Za-z0-9_\-])(gloas-[A-Za-z0-9_\-]{64})(?![A-Za-z0-9_\-])'''
keywords = ["gloas-"]
confidence = "high"
examples = ["client_secret: gloas-{r:62:64}"]
counterexamples = ["client_secret: gloas-{r:62:32}"]

[[rules]]
id = "gitlab-kubernetes-agent-token"
description = "GitLab agent for Kubernetes token"
regex = '''(?<![A-Za-z0-9_\-])(glagent-[A-Za-z0-9_\-]{50,1024})(?![A-Za-z0-9_\-])'''
keywords = ["glagent-"]
confidence = "high"
entropy = 3.0
examples = [
  "--set config.token=glagent-{r:62:50}",
  # detect-secrets detect_secrets/plugins/gitlab_token.py GitLabTokenDetector.denylist, tests/plugins/gitlab_token_test.py TestGitLabTokenDetector.test_agent_token: 50 characters or more
  "glagent-{r:62:5}_{r:62:3}-{r:62:3}-{r:62:6}-{r:62:4}-{r:62:5}-{r:62:2}-{r:62:4}-{r:62:7}-{r:62:5}_{r:62:2}",
]
counterexamples = ["--set config.token=glagent-{r:62:49}"]

[[rules]]
id = "gitlab-scim-token"
description = "GitLab SCIM token"
regex = '''(?<![A-Za-z0-9_\-])(glsoat-[A-Za-z0-9_\-]{20,50})(?![A-Za-z0-9_\-])'''
keywords = ["glsoat-"]
confidence = "high"
entropy = 3.0
examples = [
  "scim_token = glsoat-{r:62:20}",
  # detect-secrets detect_secrets/plugins/gitlab_token.py GitLabTokenDetector.denylist, tests/plugins/gitlab_token_test.py TestGitLabTokenDetector.test_base_token_format: 20 to 50 characters
  "glsoat-{r:62:6}_{r:62:13}_{r:62:6}_{r:62:6}_{r:62:4}_{r:62:4}_{r:62:4}",
]
counterexamples = ["scim_token = glsoat-{r:62:10}", "glsoat-{r:62:51}"]

[[rules]]
id = "gitlab-cicd-job-token"
description = "GitLab CI/CD job token"
# gitleaks' tests put a partition prefix (`glcbt-64_`) before 20 characters; detect-secrets' make it optional
# and allow up to 50.
regex = '''(?<![A-Za-z0-9_\-])(glcbt-(?:[0-9a-zA-Z]{1,5}_)?[0-9a-zA-Z_\-]{20,50})(?![A-Za-z0-9_\-])'''
keywords = ["glcbt-"]
confidence = "high"
entropy = 3.0
examples = [
  "JOB_TOKEN=glcbt-{r:62:2}_{r:62:20}",
  # detect-secrets detect_secrets/plugins/gitlab_token.py GitLabTokenDetector.denylist, tests/plugins/gitlab_token_test.py TestGitLabTokenDetector.test_cicd_token
  "glcbt-{r:62:13}_{r:62:6}",
]
counterexamples = ["JOB_TOKEN=glcbt-{r:62:12}", "JOB_TOKEN=glcbt-{r:62:51}"]

[[rules]]
id = "gitlab-incoming-mail-token"
description = "GitLab incoming mail token"
regex = '''(?<![A-Za-z0-9_\-])(glimt-[0-9a-zA-Z_\-]{25})(?![A-Za-z0-9_\-])'''
keywords = ["glimt-"]
confidence = "high"
examples = ["GITLAB_INCOMING_EMAIL_TOKEN=glimt-{r:62:25}"]
counterexamples = ["glimt-{r:62:24}"]

# ---------------------------------------------------------------- Slack

[[rules]]
id = "slack-bot-token"
description = "Slack bot token"
regex = '''(?<![A-Za-z0-9_\-])(xoxb-[0-9]{10,13}-(?:[0-9]{10,13}-)?[A-Za-z0-9]{24,34})(?![A-Za-z0-9_\-])'''
keywords = ["xoxb-"]
confidence = "high"
entropy = 3.0
help = "Revoke the token in the Slack app's OAuth settings and reinstall the app to get a new one."
examples = ["SLACK_BOT_TOKEN=xoxb-{r:9:12}-{r:9:13}-{r:62:24}", "<slack token=\"xoxb-{r:9:12}-{r:9:13}-{r:62:24}\"/>"]
counterexamples = ["SLACK_BOT_TOKEN=xoxb-{r:9:12}-{r:9:13}-xxxxxxxxxxxxxxxxxxxxxxxx", "SLACK_BOT_TOKEN=xoxb-your-token"]

[[rules]]
id = "slack-user-token"
description = "Slack user token"
regex = '''(?<![A-Za-z0-9_\-])(xox[pe](?:-[0-9]{10,13}){3}-[A-Za-z0-9]{28,34})(?![A-Za-z0-9_\-])'''
keywords = ["xoxp-", "xoxe-"]
confidence = "high"
entropy = 3.0
examples = ["token: xoxp-{r:9:12}-{r:9:12}-{r:9:13}-{r:h:32}"]
counterexamples = ["token: xoxp-{r:9:12}-{r:9:12}-{r:9:13}"]

[[rules]]
id = "slack-app-token"
description = "Slack app-level token"
# The last part is 64 hex digits in real tokens; gitleaks' tests also write it in lower-case alphanumerics.
regex = '''(?<![A-Za-z0-9_\-])(xapp-[0-9]-[A-Z0-9]{9,11}-[0-9]{10,13}-[a-z0-9]{64})(?![A-Za-z0-9_\-])'''
keywords = ["xapp-"]
confidence = "high"
examples = [
  "SLACK_APP_TOKEN=xapp-1-A{r:A9:10}-{r:9:13}-{r:h:64}",
  # gitleaks cmd/generate/config/rules/slack.go SlackAppLevelToken's true positive "token4": 64 alphanumerics
  "\"token4\": \"xapp-1-A{r:9:10}-{r:9:13}-{r:a9:64}\"",
]
counterexamples = ["SLACK_APP_TOKEN=xapp-1-A{r:A9:10}-{r:9:13}-{r:h:32}"]

[[rules]]
id = "slack-config-access-token"
description = "Slack configuration access token"
regex = '''(?<![A-Za-z0-9_\-])(xoxe\.xox[bp]-[0-9]-[A-Za-z0-9]{163,166})(?![A-Za-z0-9_\-])'''
keywords = ["xoxe.xox"]
confidence = "high"
examples = ["SLACK_CONFIG_TOKEN=xoxe.xoxp-1-{r:A9:164}"]
counterexamples = ["SLACK_CONFIG_TOKEN=xoxe.xoxp-1-{r:A9:100}"]

[[rules]]
id = "slack-config-refresh-token"
description = "Slack configuration refresh token"
regex = '''(?<![A-Za-z0-9_\-.])(xoxe-[0-9]-[A-Za-z0-9]{146})(?![A-Za-z0-9_\-])'''
keywords = ["xoxe-"]
confidence = "high"
examples = ["SLACK_REFRESH=xoxe-1-{r:A9:146}"]
counterexamples = ["SLACK_REFRESH=xoxe-1-{r:A9:140}"]

[[rules]]
id = "slack-webhook-url"
description = "Slack incoming webhook URL"
regex = '''(?<![A-Za-z0-9])(hooks\.slack\.com/(?:services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{24}|(?:workflows|triggers)/T[A-Z0-9]{8,12}/[A-Z0-9]{8,12}/[0-9]{6,20}/[A-Za-z0-9]{24,32}|(?:services|workflows|triggers)/[A-Za-z0-9+/]{43,56}))(?![A-Za-z0-9+/])'''
keywords = ["hooks.slack.com"]
confidence = "high"
entropy = 3.0
help = "Delete the webhook in the Slack app's settings and create a new one."
examples = [
  "SLACK_WEBHOOK=https://hooks.slack.com/services/T{r:A9:10}/B{r:A9:10}/{r:62:24}",
  "<url>https://hooks.slack.com/services/T{r:A9:10}/B{r:A9:10}/{r:62:24}</url>",
]
counterexamples = ["SLACK_WEBHOOK=https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"]

# ---------------------------------------------------------------- Stripe

[[rules]]
id = "stripe-secret-key"
description = "Stripe live secret key"
regex = '''(?<![A-Za-z0-9_])(sk_(?:live|prod)_[A-Za-z0-9]{24,99})(?![A-Za-z0-9_])'''
keywords = ["sk_live_", "sk_prod_"]
confidence = "high"
entropy = 3.0
aliases = ["stripe-access-token"]
help = "Roll the key in the Stripe dashboard (Developers → API keys)."
examples = ["STRIPE_SECRET_KEY=sk_live_{r:62:24}", "Stripe.apiKey = \"sk_live_{r:62:99}\";"]
counterexamples = ["STRIPE_PUBLISHABLE_KEY=pk_live_{r:62:24}", "STRIPE_SECRET_KEY=sk_live_xxxxxxxxxxxxxxxxxxxxxxxx"]

[[rules]]
id = "stripe-restricted-key"
description = "Stripe live restricted key"
regex = '''(?<![A-Za-z0-9_])(rk_(?:live|prod)_[A-Za-z0-9]{24,99})(?![A-Za-z0-9_])'''
keywords = ["rk_live_", "rk_prod_"]
confidence = "high"
entropy = 3.0
examples = ["stripe: {key: rk_live_{r:62:24}}"]
counterexamples = ["stripe: {key: pk_live_{r:62:24}}"]

[[rules]]
id = "stripe-webhook-secret"
description = "Stripe webhook signing secret"
regex = '''(?<![A-Za-z0-9_])(whsec_[A-Za-z0-9+/]{32,64}={0,2})(?![A-Za-z0-9_+/=])'''
keywords = ["whsec_"]
confidence = "high"
entropy = 3.5
examples = ["STRIPE_WEBHOOK_SECRET=whsec_{r:62:32}"]
counterexamples = ["STRIPE_WEBHOOK_SECRET=whsec_..."]

# ---------------------------------------------------------------- Google

[[rules]]
id = "google-api-key"
description = "Google API key"
regex = '''(?<![A-Za-z0-9_\-])(AIza[0-9A-Za-z_\-]{35})(?![A-Za-z0-9_\-])'''
keywords = ["aiza"]
confidence = "high"
entropy = 3.5
aliases = ["gcp-api-key"]
help = "Delete or restrict the key in the Google Cloud console (APIs & Services → Credentials)."
examples = ["<string name=\"maps_key\">AIza{r:u:35}</string>", "key=AIza{r:u:35}&q=1"]
counterexamples = ["key=AIza{r:u:34}", "key=AIzaXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"]
[[rules.allowlists]]
description = "the example keys of the Firebase SDKs (public, listed by SHA-256)"
hashes = ["f56e323494a6ffc2064e7a955908957d", "2037abcaffb2b77785da716cf7ccff4f", "3f370c9dd8225c63b5c77de1f785edc9", "e4a5542bb7fd7b67e943c71ad29c34b5", "a19f89ab3555eac10c40741f6df79ecf", "0b476bdf9acf2123d547b5ae76f1e598", "eb540d2b6ee2a0a47c5779bc8a014178", "37f8f09bdf12c2f2eae4ead7273a62dd", "8731261cb72d86267a32a532ebd3df42", "49f777db995e8260da7ca9ffdf0c08d6", "27a9a42931dff7eb2f8434e20a9bce97", "dc0fcf046c61640cbd1e8b999ada3262", "4c98242dcadc8b29005c6b4aad526552", "ea9bb1082cf95663f5faca23b8b15ef2", "3a8b61d0f636b007840c0d40ba12bcf4", "a6c814bc555ae62c7bd8b58ec07bf559"]

[[rules]]
id = "google-oauth-client-secret"
description = "Google OAuth client secret"
regex = '''(?<![A-Za-z0-9_\-])(GOCSPX-[A-Za-z0-9_\-]{28})(?![A-Za-z0-9_\-])'''
keywords = ["gocspx-"]
confidence = "high"
entropy = 3.0
examples = ['{"web": {"client_secret": "GOCSPX-{r:u:28}"}}']
counterexamples = ['{"web": {"client_secret": "GOCSPX-<secret>"}}']

[[rules]]
id = "gcp-service-account"
description = "Google Cloud service-account key (JSON)"
regex = '''(?|"type"\s*:\s*"service_account"[\s\S]{0,4096}?"private_key"\s*:\s*"(-----BEGIN[A-Z ]{0,20}PRIVATE KEY-----[A-Za-z0-9+/=\\\s]{64,8192}?-----END[A-Z ]{0,20}PRIVATE KEY-----(?:\\n)?)"|"private_key"\s*:\s*"(-----BEGIN[A-Z ]{0,20}PRIVATE KEY-----[A-Za-z0-9+/=\\\s]{64,8192}?-----END[A-Z ]{0,20}PRIVATE KEY-----(?:\\n)?)"[\s\S]{0,4096}?"type"\s*:\s*"service_account")'''
keywords = ["service_account"]
multiline = true
window = 12288
entropy = 4.0
confidence = "high"
help = "Delete the key in IAM (Service accounts → Keys) and use workload identity or a secret manager."
examples = [
  '{"type": "service_account", "project_id": "demo", "private_key_id": "{r:h:40}", "private_key": "{pem1:PRIVATE KEY}", "client_email": "svc@demo.iam.gserviceaccount.com"}',
]
counterexamples = ['{"type": "service_account", "project_id": "demo", "private_key": ""}']

# ---------------------------------------------------------------- Private keys

[[rules]]
id = "private-key"
description = "Private key (PEM, including the one-line \\n-escaped form)"
regex = '''(-----BEGIN[ A-Z0-9]{0,32} PRIVATE KEY(?: BLOCK)?-----(?:\\[rn]|\s)+[A-Za-z0-9+/=\s\\:,.()\-]{64,16384}?-----END[ A-Z0-9]{0,32} PRIVATE KEY(?: BLOCK)?-----)'''
keywords = ["private key-----"]
multiline = true
window = 16384
entropy = 4.0
confidence = "high"
help = "Treat the key as compromised: revoke what it signs or unlocks, generate a new one and keep it out of the repository."
examples = ["{pem:RSA PRIVATE KEY}", "{pem:PRIVATE KEY}", "{pem:OPENSSH PRIVATE KEY}", 'key = "{pem1:EC PRIVATE KEY}"']
counterexamples = [
  "{pem:PUBLIC KEY}",
  "{pem:CERTIFICATE}",
  "-----BEGIN RSA PRIVATE KEY-----{nl}...{nl}-----END RSA PRIVATE KEY-----",
]

[[rules]]
id = "putty-private-key"
description = "PuTTY private key"
regex = '''(PuTTY-User-Key-File-[23]:[\s\S]{16,4096}?Private-Lines: [0-9]+\s+[A-Za-z0-9+/=\s]{40,8192}?)(?:Private-MAC|Private-Hash)'''
keywords = ["putty-user-key-file-"]
multiline = true
window = 12288
entropy = 4.0
confidence = "high"
examples = ["PuTTY-User-Key-File-2: ssh-rsa{nl}Encryption: none{nl}Comment: deploy{nl}Public-Lines: 1{nl}{r:64:64}{nl}Private-Lines: 2{nl}{r:64:64}{nl}{r:64:64}{nl}Private-MAC: {r:h:40}"]
counterexamples = ["PuTTY-User-Key-File-2: ssh-rsa{nl}Public-Lines: 1{nl}{r:64:64}"]

# ---------------------------------------------------------------- Tokens with self-describing shapes

[[rules]]
id = "jwt"
description = "JSON Web Token"
regex = '''(?<![A-Za-z0-9_\-.])(?<!Basic )(eyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}(?:\.[A-Za-z0-9_\-]{16,}|\.)?)(?![A-Za-z0-9_\-.=])'''
keywords = ["eyj"]
validate = ["jwt-header"]
window = 8192
entropy = 3.5
confidence = "high"
help = "Invalidate the token (rotate the signing key if it does not expire soon) and keep tokens out of the repository."
examples = ["Authorization: Bearer {jwt}", "<session>{jwt}</session>", "fetch(url, {jwt}, opts)", "unsigned = \"{jwt-unsigned}\""]
counterexamples = [
  "Authorization: Bearer {jwt-noalg}",
  "curl -H \"Authorization: Basic {jwt}\" https://api.example.invalid/",
  "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c",
]
[[rules.allowlists]]
description = "the well-known example token from jwt.io"
regexes = ['''SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c''']

[[rules]]
id = "npm-token"
description = "npm access token"
regex = '''(?<![A-Za-z0-9_])(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9_])'''
keywords = ["npm_"]
validate = ["crc32-base62"]
confidence = "high"
aliases = ["npm-access-token"]
help = "Revoke the token with 'npm token revoke' (or on npmjs.com) and create a new one."
examples = ["//npm.example.invalid/:_authToken=npm_{r:62:30}{crc:30}"]
counterexamples = ["//npm.example.invalid/:_authToken=npm_{r:62:30}{badcrc:30}", "//npm.example.invalid/:_authToken=${NPM_TOKEN}"]


[[rules]]
id = "npmrc-auth-token"
description = "npm registry token written as a UUID in an .npmrc (the format npm issued before npm_ tokens)"
regex = '''//[^\s/:]+(?:/[^\s]*)?/:_authToken=[ \t]*([0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12})(?![A-Za-z0-9\-])'''
keywords = ["_authtoken="]
confidence = "high"
allowUUID = true
help = "Revoke the token with 'npm token revoke' (or on npmjs.com); let .npmrc read it from the environment (${NPM_TOKEN})."
examples = [
  # detect-secrets detect_secrets/plugins/npm.py NpmDetector.denylist, tests/plugins/npm_test.py
  # TestNpmDetector.test_analyze: version 1 and version 4 UUIDs after `//host/:_authToken=`, with or without a space.
  "//registry.npmjs.org/:_authToken={r:h:8}-{r:h:4}-1{r:h:3}-9{r:h:3}-{r:h:12}",
  "//registry.npmjs.org/:_authToken= {r:h:8}-{r:h:4}-4{r:h:3}-a{r:h:3}-{r:h:12}",
  "//npm.example.invalid/api/npm/npm-local/:_authToken={r:h:8}-{r:h:4}-4{r:h:3}-a{r:h:3}-{r:h:12}",
]
counterexamples = [
  # detect-secrets tests/plugins/npm_test.py TestNpmDetector.test_analyze: no `//host/:` before the name.
  "//registry.npmjs.org:_authToken={r:h:8}-{r:h:4}-1{r:h:3}-9{r:h:3}-{r:h:12}",
  "registry.npmjs.org/:_authToken={r:h:8}-{r:h:4}-1{r:h:3}-9{r:h:3}-{r:h:12}",
  "///:_authToken={r:h:8}-{r:h:4}-1{r:h:3}-9{r:h:3}-{r:h:12}",
  "_authToken={r:h:8}-{r:h:4}-1{r:h:3}-9{r:h:3}-{r:h:12}",
]

[[rules]]
id = "pypi-token"
description = "PyPI upload token"
regex = '''(?<![A-Za-z0-9_\-])(pypi-AgE[A-Za-z0-9_\-]{70,})(?![A-Za-z0-9_\-])'''
keywords = ["pypi-age"]
confidence = "high"
entropy = 3.5
aliases = ["pypi-upload-token"]
examples = ["password = pypi-AgEIcHlwaS5vcmc{r:u:120}"]
counterexamples = ["every upload token starts with pypi-AgEIcHlwaS5vcmc"]

[[rules]]
id = "sendgrid-api-key"
description = "SendGrid API key"
regex = '''(?<![A-Za-z0-9_\-.])(SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43})(?![A-Za-z0-9_\-.])'''
keywords = ["sg."]
confidence = "high"
entropy = 3.5
aliases = ["sendgrid-api-token"]
examples = ["SENDGRID_API_KEY=SG.{r:u:22}.{r:u:43}"]
counterexamples = ["SENDGRID_API_KEY=SG.{r:u:22}"]

[[rules]]
id = "twilio-api-key"
description = "Twilio API key"
regex = '''(?<![A-Za-z0-9])(SK[0-9a-fA-F]{32})(?![A-Za-z0-9])'''
keywords = ["SK"]
keywordCase = "exact"
confidence = "medium"
entropy = 3.0
examples = ["TWILIO_API_KEY=SK{r:h:32}"]
counterexamples = ["TWILIO_API_KEY=SK{r:h:31}", "TASK{r:h:32}"]

[[rules]]
id = "twilio-auth-token"
description = "Twilio auth token"
regex = '''(?i)twilio[A-Za-z0-9_.\-]{0,30}(?:auth|token|secret)[A-Za-z0-9_.\-]{0,20}["']?\s{0,4}(?::=|=>|=|:)\s{0,4}["']?([a-f0-9]{32})(?![A-Za-z0-9])'''
keywords = ["twilio"]
allowHex = true
confidence = "medium"
entropy = 3.0
examples = ["TWILIO_AUTH_TOKEN={r:h:32}"]
counterexamples = ["TWILIO_AUTH_TOKEN={r:h:31}", "TWILIO_ACCOUNT_SID=AC{r:h:32}"]

[[rules]]
id = "openai-api-key"
description = "OpenAI API key"
regex = '''(?<![A-Za-z0-9_\-])(sk-(?:(?:proj|svcacct|admin)-)?[A-Za-z0-9_\-]{20,200}T3BlbkFJ[A-Za-z0-9_\-]{20,200})(?![A-Za-z0-9_\-])'''
keywords = ["t3blbkfj"]
confidence = "high"
entropy = 3.5
examples = ["OPENAI_API_KEY=sk-proj-{r:u:74}T3BlbkFJ{r:u:74}", "OPENAI_API_KEY=sk-{r:62:20}T3BlbkFJ{r:62:20}"]
counterexamples = ["OPENAI_API_KEY=sk-proj-...", "OPENAI_API_KEY=sk-{r:62:48}"]

[[rules]]
id = "anthropic-api-key"
description = "Anthropic API key"
regex = '''(?<![A-Za-z0-9_\-])(sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_\-]{80,120})(?![A-Za-z0-9_\-])'''
keywords = ["sk-ant-"]
aliases = ["anthropic-admin-api-key"]
confidence = "high"
entropy = 3.5
examples = ["ANTHROPIC_API_KEY=sk-ant-api03-{r:u:93}AA", "{\"key\": \"sk-ant-admin01-{r:u:93}AA\"}"]
counterexamples = ["ANTHROPIC_API_KEY=sk-ant-api03-...", "ANTHROPIC_API_KEY=sk-ant-api03-{r:u:40}"]

[[rules]]
id = "azure-storage-account-key"
description = "Azure storage account key"
regex = '''(?i)(?:account[_.\-]?key|azure[a-z0-9_.\-]{0,30}key|storage[a-z0-9_.\-]{0,30}key)[\s\S]{0,60}?(?<![A-Za-z0-9+/])([A-Za-z0-9+/]{86}==)(?![A-Za-z0-9+/=])'''
multiline = true
window = 512
keywords = ["accountkey", "account_key", "account-key", "account.key", "azure", "storage"]
confidence = "high"
entropy = 4.0
help = "Rotate the key in the storage account's access keys and prefer managed identities or SAS with short expiry."
examples = [
  "DefaultEndpointsProtocol=https;AccountName=demo;AccountKey={r:64:86}==;EndpointSuffix=core.windows.net",
  "AZURE_STORAGE_KEY={r:64:86}==",
  "{ \"AccountKey\", \"{r:64:86}==\" },",
  "<account_key>{r:64:86}==</account_key>",
  "AzureStorageCleanup.exe -storagename acct -storagekey {r:64:86}== -container backup",
]
counterexamples = ["DefaultEndpointsProtocol=https;AccountName=demo;AccountKey=<key>;EndpointSuffix=core.windows.net"]

[[rules]]
id = "azure-ad-client-secret"
description = "Azure AD (Entra ID) client secret"
regex = '''(?<![A-Za-z0-9_~.\-])([A-Za-z0-9_~.]{3}[0-9]Q~[A-Za-z0-9_~.\-]{31,34})(?![A-Za-z0-9_~.\-])'''
keywords = ["q~"]
confidence = "high"
entropy = 3.0
examples = ["AZURE_CLIENT_SECRET={r:62:3}8Q~{r:62:34}"]
counterexamples = ["AZURE_CLIENT_SECRET={r:62:3}8Q~{r:62:20}"]

# ---------------------------------------------------------------- Hosting, infrastructure, AI

[[rules]]
id = "shopify-access-token"
description = "Shopify access token"
regex = '''(?<![A-Za-z0-9_])(shp(?:at|ca|pa)_[a-fA-F0-9]{32})(?![A-Za-z0-9_])'''
keywords = ["shpat_", "shpca_", "shppa_"]
aliases = ["shopify-custom-access-token", "shopify-private-app-access-token"]
confidence = "high"
examples = ["SHOPIFY_TOKEN=shpat_{r:h:32}", "X-Shopify-Access-Token: shpca_{r:h:32}"]
counterexamples = ["SHOPIFY_TOKEN=shpat_{r:h:31}"]

[[rules]]
id = "shopify-shared-secret"
description = "Shopify shared secret"
regex = '''(?<![A-Za-z0-9_])(shpss_[a-fA-F0-9]{32})(?![A-Za-z0-9_])'''
keywords = ["shpss_"]
confidence = "high"
examples = ["SHOPIFY_SECRET=shpss_{r:h:32}"]
counterexamples = ["SHOPIFY_SECRET=shpss_{r:h:16}"]

[[rules]]
id = "digitalocean-pat"
description = "DigitalOcean personal access token"
regex = '''(?<![A-Za-z0-9_])(dop_v1_[a-f0-9]{64})(?![A-Za-z0-9_])'''
keywords = ["dop_v1_"]
confidence = "high"
examples = ["DIGITALOCEAN_TOKEN=dop_v1_{r:h:64}"]
counterexamples = ["DIGITALOCEAN_TOKEN=dop_v1_{r:h:63}"]

[[rules]]
id = "digitalocean-oauth-token"
description = "DigitalOcean OAuth access or refresh token"
regex = '''(?<![A-Za-z0-9_])(do[or]_v1_[a-f0-9]{64})(?![A-Za-z0-9_])'''
keywords = ["doo_v1_", "dor_v1_"]
aliases = ["digitalocean-access-token", "digitalocean-refresh-token"]
confidence = "high"
examples = ["token: doo_v1_{r:h:64}", "refresh: dor_v1_{r:h:64}"]
counterexamples = ["token: doo_v1_{r:h:60}"]

[[rules]]
id = "huggingface-token"
description = "Hugging Face access token"
regex = '''(?<![A-Za-z0-9_])(hf_[A-Za-z]{34})(?![A-Za-z0-9_])'''
keywords = ["hf_"]
confidence = "high"
entropy = 3.5
aliases = ["huggingface-access-token"]
examples = ["HF_TOKEN=hf_{r:aA:34}"]
counterexamples = ["from huggingface_hub import hf_hub_download", "HF_TOKEN=hf_{r:aA:33}"]

[[rules]]
id = "huggingface-org-token"
description = "Hugging Face organization API token"
regex = '''(?<![A-Za-z0-9_])(api_org_[A-Za-z]{34})(?![A-Za-z0-9_])'''
keywords = ["api_org_"]
confidence = "high"
entropy = 3.5
aliases = ["huggingface-organization-api-token"]
examples = ["token = api_org_{r:aA:34}"]
counterexamples = ["token = api_org_{r:aA:20}"]

[[rules]]
id = "vault-service-token"
description = "HashiCorp Vault service token"
regex = '''(?<![A-Za-z0-9_.\-])(hvs\.[A-Za-z0-9_\-]{90,120})(?![A-Za-z0-9_\-])'''
keywords = ["hvs."]
confidence = "high"
entropy = 3.5
examples = ["VAULT_TOKEN=hvs.{r:u:95}"]
counterexamples = ["VAULT_TOKEN=hvs.{r:u:24}"]

[[rules]]
id = "vault-batch-token"
description = "HashiCorp Vault batch token"
regex = '''(?<![A-Za-z0-9_.\-])(hvb\.[A-Za-z0-9_\-]{138,300})(?![A-Za-z0-9_\-])'''
keywords = ["hvb."]
confidence = "high"
entropy = 3.5
examples = ["VAULT_TOKEN=hvb.{r:u:150}"]
counterexamples = ["VAULT_TOKEN=hvb.{r:u:100}"]

[[rules]]
id = "terraform-cloud-token"
description = "Terraform Cloud / HCP Terraform API token"
regex = '''(?<![A-Za-z0-9])([A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_\-=]{60,70})(?![A-Za-z0-9_\-=])'''
keywords = ["atlasv1"]
confidence = "high"
entropy = 3.5
aliases = ["hashicorp-tf-api-token"]
examples = ['credentials "app.terraform.io" { token = "{r:62:14}.atlasv1.{r:62:67}" }']
counterexamples = ['token = "{r:62:14}.atlasv1.{r:62:20}"']

[[rules]]
id = "age-secret-key"
description = "age secret key"
regex = '''(?<![A-Za-z0-9\-])(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})(?![A-Za-z0-9])'''
keywords = ["age-secret-key-1"]
confidence = "high"
entropy = 3.5
examples = ["# created: 2024-01-01{nl}AGE-SECRET-KEY-1{r:bech:58}"]
counterexamples = ["AGE-SECRET-KEY-1{r:bech:40}"]

[[rules]]
id = "databricks-token"
description = "Databricks personal access token"
regex = '''(?<![A-Za-z0-9])(dapi[a-f0-9]{32}(?:-[0-9])?)(?![A-Za-z0-9\-])'''
keywords = ["dapi"]
confidence = "high"
aliases = ["databricks-api-token"]
examples = ["DATABRICKS_TOKEN=dapi{r:h:32}", "token: dapi{r:h:32}-2"]
counterexamples = ["DATABRICKS_TOKEN=dapi{r:h:31}"]

[[rules]]
id = "heroku-api-key"
description = "Heroku API key (HRKU format)"
regex = '''(?<![A-Za-z0-9_\-])(HRKU-AA[0-9A-Za-z_\-]{58})(?![A-Za-z0-9_\-])'''
keywords = ["hrku-"]
aliases = ["heroku-api-key-v2"]
confidence = "high"
entropy = 3.5
examples = ["HEROKU_API_KEY=HRKU-AA{r:u:58}"]
counterexamples = ["HEROKU_API_KEY=HRKU-AA{r:u:20}"]

[[rules]]
id = "linear-api-key"
description = "Linear API key"
regex = '''(?<![A-Za-z0-9_])(lin_api_[A-Za-z0-9]{40})(?![A-Za-z0-9_])'''
keywords = ["lin_api_"]
confidence = "high"
entropy = 3.5
examples = ["LINEAR_API_KEY=lin_api_{r:62:40}"]
counterexamples = ["LINEAR_API_KEY=lin_api_{r:62:30}"]

[[rules]]
id = "postman-api-key"
description = "Postman API key"
# gitleaks' tests write 24 and 34 hex digits; trufflehog's any 59 letters, digits and `-`.
regex = '''(?<![A-Za-z0-9_\-])(PMAK-(?:[a-fA-F0-9]{24}-[a-fA-F0-9]{34}|[A-Za-z0-9\-]{59}))(?![A-Za-z0-9_\-])'''
keywords = ["pmak-"]
aliases = ["postman-api-token"]
confidence = "high"
entropy = 3.0
examples = [
  "x-api-key: PMAK-{r:h:24}-{r:h:34}",
  # trufflehog pkg/detectors/postman/postman.go keyPat, postman_test.go TestPostman_Pattern
  "postman token = 'PMAK-{r:62:59}'",
]
counterexamples = [
  "x-api-key: PMAK-{r:h:24}",
  # trufflehog postman_test.go TestPostman_Pattern's invalid pattern: a `?` inside
  "postman = 'PMAK-{r:62:27}?{r:62:31}'",
]

[[rules]]
id = "pulumi-access-token"
description = "Pulumi access token"
# gitleaks' tests write hex; trufflehog's lower-case letters and digits.
regex = '''(?<![A-Za-z0-9_\-])(pul-[a-z0-9]{40})(?![A-Za-z0-9_\-])'''
keywords = ["pul-"]
confidence = "high"
entropy = 3.0
aliases = ["pulumi-api-token"]
examples = [
  "PULUMI_ACCESS_TOKEN=pul-{r:h:40}",
  # trufflehog pkg/detectors/pulumi/pulumi.go keyPat, pulumi_test.go TestPulumi_Pattern
  "pulumi token = 'pul-{r:a9:40}'",
]
counterexamples = [
  "PULUMI_ACCESS_TOKEN=pul-{r:h:20}",
  # trufflehog pulumi_test.go TestPulumi_Pattern's invalid pattern: a `?` inside
  "pulumi = 'pul-{r:a9:18}?{r:a9:21}'",
]

[[rules]]
id = "doppler-token"
description = "Doppler personal token"
regex = '''(?<![A-Za-z0-9_\-.])(dp\.pt\.[A-Za-z0-9]{43})(?![A-Za-z0-9_\-])'''
keywords = ["dp.pt."]
confidence = "high"
entropy = 3.5
aliases = ["doppler-api-token"]
examples = ["DOPPLER_TOKEN=dp.pt.{r:62:43}"]
counterexamples = ["DOPPLER_TOKEN=dp.pt.{r:62:20}"]

[[rules]]
id = "new-relic-user-key"
description = "New Relic user API key"
regex = '''(?<![A-Za-z0-9_\-])(NRAK-[A-Za-z0-9]{27})(?![A-Za-z0-9_\-])'''
keywords = ["nrak-"]
confidence = "high"
entropy = 3.0
aliases = ["new-relic-user-api-key"]
examples = ["NEW_RELIC_API_KEY=NRAK-{r:A9:27}"]
counterexamples = ["NEW_RELIC_API_KEY=NRAK-{r:A9:20}"]

[[rules]]
id = "sentry-user-token"
description = "Sentry user auth token"
regex = '''(?<![A-Za-z0-9_])(sntryu_[a-f0-9]{64})(?![A-Za-z0-9_])'''
keywords = ["sntryu_"]
confidence = "high"
examples = ["SENTRY_AUTH_TOKEN=sntryu_{r:h:64}"]
counterexamples = ["SENTRY_AUTH_TOKEN=sntryu_{r:h:32}"]

[[rules]]
id = "sentry-org-token"
description = "Sentry organization auth token"
regex = '''(?<![A-Za-z0-9_])(sntrys_eyJ[A-Za-z0-9+/=]{60,400}_[A-Za-z0-9+/]{43})(?![A-Za-z0-9_+/])'''
keywords = ["sntrys_"]
confidence = "high"
entropy = 3.5
examples = ["SENTRY_AUTH_TOKEN=sntrys_eyJ{r:62:90}_{r:62:43}"]
counterexamples = ["SENTRY_AUTH_TOKEN=sntrys_eyJ{r:62:10}"]

[[rules]]
id = "grafana-service-account-token"
description = "Grafana service account token"
regex = '''(?<![A-Za-z0-9_])(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8})(?![A-Za-z0-9_])'''
keywords = ["glsa_"]
confidence = "high"
entropy = 3.5
examples = ["GRAFANA_TOKEN=glsa_{r:62:32}_{r:h:8}"]
counterexamples = ["GRAFANA_TOKEN=glsa_{r:62:32}"]

[[rules]]
id = "grafana-cloud-token"
description = "Grafana Cloud API token"
regex = '''(?<![A-Za-z0-9_])(glc_[A-Za-z0-9+/]{32,400}={0,2})(?![A-Za-z0-9_+/=])'''
keywords = ["glc_"]
confidence = "high"
entropy = 3.5
aliases = ["grafana-cloud-api-token"]
examples = ["GRAFANA_CLOUD_TOKEN=glc_{r:64:100}=="]
counterexamples = ["GRAFANA_CLOUD_TOKEN=glc_{r:64:20}"]

[[rules]]
id = "atlassian-api-token"
description = "Atlassian API token"
regex = '''(?<![A-Za-z0-9_\-])(ATATT3[A-Za-z0-9_\-=]{186})(?![A-Za-z0-9_\-=])'''
keywords = ["atatt3"]
confidence = "high"
entropy = 3.5
examples = ["JIRA_API_TOKEN=ATATT3{r:u:186}"]
counterexamples = ["JIRA_API_TOKEN=ATATT3{r:u:50}"]

[[rules]]
id = "dynatrace-token"
description = "Dynatrace API token"
regex = '''(?<![A-Za-z0-9_\-.])(dt0c01\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{64})(?![A-Za-z0-9_\-.])'''
keywords = ["dt0c01."]
confidence = "high"
entropy = 3.5
aliases = ["dynatrace-api-token"]
examples = ["DT_API_TOKEN=dt0c01.{r:A9:24}.{r:A9:64}"]
counterexamples = ["DT_API_TOKEN=dt0c01.{r:A9:24}"]

[[rules]]
id = "planetscale-token"
description = "PlanetScale token or password"
regex = '''(?<![A-Za-z0-9_\-.])(pscale_(?:tkn|pw|oauth)_[A-Za-z0-9_\-.=]{32,64})(?![A-Za-z0-9_\-=])'''
keywords = ["pscale_"]
aliases = ["planetscale-api-token", "planetscale-oauth-token", "planetscale-password"]
confidence = "high"
entropy = 3.5
examples = ["DATABASE_PASSWORD=pscale_pw_{r:u:43}"]
counterexamples = ["DATABASE_PASSWORD=pscale_pw_{r:u:10}"]

[[rules]]
id = "rubygems-api-key"
description = "RubyGems API key"
# gitleaks' tests write hex; trufflehog's lower-case letters and digits.
regex = '''(?<![A-Za-z0-9_])(rubygems_[a-z0-9]{48})(?![A-Za-z0-9_])'''
keywords = ["rubygems_"]
confidence = "high"
entropy = 3.0
aliases = ["rubygems-api-token"]
examples = [
  ":rubygems_api_key: rubygems_{r:h:48}",
  # trufflehog pkg/detectors/rubygems/rubygems.go keyPat, rubygems_test.go TestRubyGems_Pattern
  "rubygems token = 'rubygems_{r:a9:48}'",
]
counterexamples = [
  ":rubygems_api_key: rubygems_{r:h:40}",
  # trufflehog rubygems_test.go TestRubyGems_Pattern's invalid pattern: a `?` inside
  "rubygems = 'rubygems_{r:a9:19}?{r:a9:28}'",
]

[[rules]]
id = "dockerhub-pat"
description = "Docker Hub personal access token"
regex = '''(?<![A-Za-z0-9_])(dckr_pat_[A-Za-z0-9_\-]{27})(?![A-Za-z0-9_\-])'''
keywords = ["dckr_pat_"]
confidence = "high"
entropy = 3.5
examples = ["echo dckr_pat_{r:u:27} | docker login -u ci --password-stdin"]
counterexamples = ["echo dckr_pat_{r:u:20} | docker login"]

[[rules]]
id = "flyio-token"
description = "Fly.io access token"
regex = '''(?<![A-Za-z0-9_])(fo1_[A-Za-z0-9_\-]{43}|fm1[ar]_[A-Za-z0-9+/]{100,}={0,3}|fm2_[A-Za-z0-9+/]{100,}={0,3}(?:,fm2_[A-Za-z0-9+/]{100,}={0,3})*)(?![A-Za-z0-9_\-+/=])'''
keywords = ["fo1_", "fm1a_", "fm1r_", "fm2_"]
confidence = "high"
entropy = 3.5
aliases = ["flyio-access-token"]
examples = ["FLY_API_TOKEN=fo1_{r:u:43}", "FLY_API_TOKEN=\"fm2_{r:64:120}==\""]
counterexamples = ["FLY_API_TOKEN=fo1_{r:u:20}"]

[[rules]]
id = "supabase-token"
description = "Supabase access token"
# gitleaks' tests use hex; trufflehog's take lower-case letters and digits.
regex = '''(?<![A-Za-z0-9_])(sbp_[a-z0-9]{40})(?![A-Za-z0-9_])'''
keywords = ["sbp_"]
confidence = "high"
entropy = 3.0
allowHex = true
examples = [
  "SUPABASE_ACCESS_TOKEN=sbp_{r:h:40}",
  # trufflehog pkg/detectors/supabasetoken/supabasetoken.go keyPat, supabasetoken_test.go
  # TestSupabasetoken_Pattern "valid pattern - with keyword supabasetoken"
  "supabasetoken token = 'sbp_{r:a9:40}'",
]
counterexamples = [
  "SUPABASE_ACCESS_TOKEN=sbp_{r:h:30}",
  # trufflehog supabasetoken_test.go TestSupabasetoken_Pattern "invalid pattern": a symbol inside
  "supabasetoken = 'sbp_{r:a9:10}?{r:a9:29}'",
]

[[rules]]
id = "brevo-api-key"
description = "Brevo (Sendinblue) API key"
# gitleaks' tests write 64 hex digits, `-` and 16 alphanumerics; trufflehog's any 81 base64url characters.
regex = '''(?<![A-Za-z0-9_\-])(xkeysib-(?:[a-f0-9]{64}-[A-Za-z0-9]{16}|[A-Za-z0-9_\-]{81}))(?![A-Za-z0-9_\-])'''
keywords = ["xkeysib-"]
confidence = "high"
entropy = 3.0
aliases = ["sendinblue-api-token"]
examples = [
  "BREVO_API_KEY=xkeysib-{r:h:64}-{r:62:16}",
  # trufflehog pkg/detectors/sendinbluev2/sendinbluev2.go keyPat, sendinbluev2_test.go TestSendinBlueV2_Pattern
  "sendinbluev2 token = 'xkeysib-{r:u:81}'",
]
counterexamples = [
  "BREVO_API_KEY=xkeysib-{r:h:64}",
  # trufflehog sendinbluev2_test.go TestSendinBlueV2_Pattern's invalid pattern: a `?` inside
  "sendinbluev2 = 'xkeysib-{r:62:36}?{r:62:44}'",
]

[[rules]]
id = "figma-pat"
description = "Figma personal access token"
regex = '''(?<![A-Za-z0-9_])(figd_[A-Za-z0-9_\-]{40})(?![A-Za-z0-9_\-])'''
keywords = ["figd_"]
confidence = "high"
entropy = 3.5
examples = ["FIGMA_TOKEN=figd_{r:u:40}"]
counterexamples = ["FIGMA_TOKEN=figd_{r:u:20}"]

[[rules]]
id = "notion-token"
description = "Notion integration token"
regex = '''(?<![A-Za-z0-9_])(ntn_[0-9]{11}[A-Za-z0-9]{35})(?![A-Za-z0-9_])'''
keywords = ["ntn_"]
aliases = ["notion-api-token"]
confidence = "high"
entropy = 3.5
examples = ["NOTION_TOKEN=ntn_{r:9:11}{r:62:35}"]
counterexamples = ["NOTION_TOKEN=ntn_{r:9:11}"]

[[rules]]
id = "mapbox-secret-token"
description = "Mapbox secret token"
regex = '''(?<![A-Za-z0-9_\-.])(sk\.eyJ[A-Za-z0-9_\-]{50,}\.[A-Za-z0-9_\-]{20,})(?![A-Za-z0-9_\-.])'''
keywords = ["sk.eyj"]
confidence = "high"
entropy = 3.5
examples = ["MAPBOX_TOKEN=sk.eyJ{r:u:60}.{r:u:22}"]
counterexamples = ["MAPBOX_TOKEN=pk.eyJ{r:u:60}.{r:u:22}"]

[[rules]]
id = "replicate-api-token"
description = "Replicate API token"
regex = '''(?<![A-Za-z0-9_])(r8_[A-Za-z0-9]{37})(?![A-Za-z0-9_])'''
keywords = ["r8_"]
confidence = "high"
entropy = 3.5
examples = ["REPLICATE_API_TOKEN=r8_{r:62:37}"]
counterexamples = ["REPLICATE_API_TOKEN=r8_{r:62:20}"]

[[rules]]
id = "groq-api-key"
description = "Groq API key"
regex = '''(?<![A-Za-z0-9_])(gsk_[A-Za-z0-9]{52})(?![A-Za-z0-9_])'''
keywords = ["gsk_"]
confidence = "high"
entropy = 3.5
examples = ["GROQ_API_KEY=gsk_{r:62:52}"]
counterexamples = ["GROQ_API_KEY=gsk_{r:62:20}"]

[[rules]]
id = "xai-api-key"
description = "xAI API key"
regex = '''(?<![A-Za-z0-9_\-])(xai-[A-Za-z0-9]{80})(?![A-Za-z0-9_\-])'''
keywords = ["xai-"]
confidence = "high"
entropy = 3.5
examples = ["XAI_API_KEY=xai-{r:62:80}"]
counterexamples = ["XAI_API_KEY=xai-{r:62:40}"]

[[rules]]
id = "perplexity-api-key"
description = "Perplexity API key"
regex = '''(?<![A-Za-z0-9_\-])(pplx-[A-Za-z0-9]{48})(?![A-Za-z0-9_\-])'''
keywords = ["pplx-"]
confidence = "high"
entropy = 3.5
examples = ["PPLX_API_KEY=pplx-{r:62:48}"]
counterexamples = ["PPLX_API_KEY=pplx-{r:62:20}"]

[[rules]]
id = "langsmith-api-key"
description = "LangSmith API key"
regex = '''(?<![A-Za-z0-9_])(lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10})(?![A-Za-z0-9_])'''
keywords = ["lsv2_"]
confidence = "high"
examples = ["LANGSMITH_API_KEY=lsv2_pt_{r:h:32}_{r:h:10}"]
counterexamples = ["LANGSMITH_API_KEY=lsv2_pt_{r:h:32}"]

[[rules]]
id = "mailgun-api-key"
description = "Mailgun API key"
# gitleaks' tests write 32 hex digits after key-; trufflehog's 32 lower-case letters and digits.
regex = '''(?<![A-Za-z0-9_\-])(key-[0-9a-z]{32})(?![A-Za-z0-9_\-])'''
keywords = ["key-"]
confidence = "medium"
entropy = 3.0
aliases = ["mailgun-private-api-token"]
examples = [
  "MAILGUN_API_KEY=key-{r:h:32}",
  # trufflehog pkg/detectors/mailgun/mailgun.go "Key-MailGun Token", mailgun_test.go TestMailgun_Pattern
  "mailgun 'x' pass 'y' key-{r:a9:32}",
]
counterexamples = [
  "MAILGUN_API_KEY=key-{r:h:31}", "ssh-key-{r:h:32}",
  # trufflehog mailgun_test.go TestMailgun_Pattern "invalid pattern": a `=` at the end
  "'key-{r:a9:31}='",
]

[[rules]]
id = "mailchimp-api-key"
description = "Mailchimp API key"
regex = '''(?<![A-Za-z0-9])([0-9a-f]{32}-us[0-9]{1,2})(?![A-Za-z0-9])'''
keywords = ["-us"]
confidence = "medium"
entropy = 3.0
examples = ["MAILCHIMP_KEY={r:h:32}-us14"]
counterexamples = ["MAILCHIMP_KEY={r:h:32}-usa"]

[[rules]]
id = "square-access-token"
description = "Square access token"
regex = '''(?<![A-Za-z0-9_\-])(sq0atp-[0-9A-Za-z_\-]{22}|EAAA[A-Za-z0-9_\-]{22,60})(?![A-Za-z0-9_\-])'''
keywords = ["sq0atp-", "eaaa"]
confidence = "high"
entropy = 3.0
examples = ["SQUARE_TOKEN=sq0atp-{r:u:22}", "SQUARE_TOKEN=EAAA{r:u:60}"]
counterexamples = ["SQUARE_TOKEN=sq0atp-{r:u:10}"]

[[rules]]
id = "square-oauth-secret"
description = "Square OAuth secret"
regex = '''(?<![A-Za-z0-9_\-])(sq0csp-[0-9A-Za-z_\-]{43})(?![A-Za-z0-9_\-])'''
keywords = ["sq0csp-"]
aliases = ["square-secret"]
confidence = "high"
entropy = 3.0
examples = ["SQUARE_SECRET=sq0csp-{r:u:43}"]
counterexamples = ["SQUARE_SECRET=sq0csp-{r:u:20}"]

[[rules]]
id = "discord-webhook-url"
description = "Discord webhook URL"
regex = '''(?<![A-Za-z0-9])(discord(?:app)?\.com/api/webhooks/[0-9]{17,20}/[A-Za-z0-9_\-]{60,68})(?![A-Za-z0-9_\-])'''
keywords = ["discord"]
confidence = "high"
entropy = 3.5
examples = ["DISCORD_WEBHOOK=https://discord.com/api/webhooks/{r:9:18}/{r:u:68}"]
counterexamples = ["DISCORD_WEBHOOK=https://discord.com/api/webhooks/{r:9:18}/<token>"]

[[rules]]
id = "teams-webhook-url"
description = "Microsoft Teams incoming webhook URL"
regex = '''(?i)(?<![A-Za-z0-9])([a-z0-9\-]+\.webhook\.office\.com/webhookb2/[a-f0-9\-]{36}@[a-f0-9\-]{36}/IncomingWebhook/[a-f0-9]{32}/[a-f0-9\-]{36})(?![A-Za-z0-9_\-])'''
keywords = ["webhook.office.com"]
aliases = ["microsoft-teams-webhook"]
confidence = "high"
allowHex = true
examples = ["TEAMS_HOOK=https://acme.webhook.office.com/webhookb2/{r:h:8}-{r:h:4}-{r:h:4}-{r:h:4}-{r:h:12}@{r:h:8}-{r:h:4}-{r:h:4}-{r:h:4}-{r:h:12}/IncomingWebhook/{r:h:32}/{r:h:8}-{r:h:4}-{r:h:4}-{r:h:4}-{r:h:12}"]
counterexamples = ["TEAMS_HOOK=https://acme.webhook.office.com/webhookb2/<id>"]

[[rules]]
id = "telegram-bot-token"
description = "Telegram bot token"
regex = '''(?<![A-Za-z0-9_:])([0-9]{5,16}:A[A-Za-z0-9_\-]{34})(?![A-Za-z0-9_\-])'''
keywords = [":a"]
confidence = "high"
entropy = 3.5
aliases = ["telegram-bot-api-token"]
examples = ["TELEGRAM_BOT_TOKEN={r:9:10}:AA{r:u:33}"]
counterexamples = ["TELEGRAM_BOT_TOKEN={r:9:10}:AA{r:u:20}", "<xsd:element type=\"clm{r:9:5}:AgencyIdentificationCodeContentType\"/>"]

[[rules]]
id = "onepassword-service-account-token"
description = "1Password service account token"
regex = '''(?<![A-Za-z0-9_])(ops_eyJ[A-Za-z0-9+/=]{250,})(?![A-Za-z0-9_+/=])'''
keywords = ["ops_eyj"]
window = 4096
confidence = "high"
entropy = 3.5
aliases = ["1password-service-account-token"]
examples = ["OP_SERVICE_ACCOUNT_TOKEN=ops_eyJ{r:64:300}"]
counterexamples = ["OP_SERVICE_ACCOUNT_TOKEN=ops_eyJ{r:64:50}"]

[[rules]]
id = "buildkite-token"
description = "Buildkite user access token"
# gitleaks' tests use hex; trufflehog's take lower-case letters and digits.
regex = '''(?<![A-Za-z0-9_])(bkua_[a-z0-9]{40})(?![A-Za-z0-9_])'''
keywords = ["bkua_"]
confidence = "high"
entropy = 3.0
allowHex = true
examples = [
  "BUILDKITE_API_TOKEN=bkua_{r:h:40}",
  # trufflehog pkg/detectors/buildkite/v2/buildkite.go keyPat, buildkite_test.go TestBuildKiteV2_Pattern "valid pattern"
  "buildkite_secret := \"bkua_{r:a9:40}\"",
]
counterexamples = [
  "BUILDKITE_API_TOKEN=bkua_{r:h:20}",
  # trufflehog buildkite_test.go TestBuildKiteV2_Pattern "invalid pattern": too short before a `-`
  "buildkite_secret := \"bkua_{r:a9:32}-{r:a9:4}-{r:a9:4}\"",
]

[[rules]]
id = "sourcegraph-token"
description = "Sourcegraph access token"
regex = '''(?<![A-Za-z0-9_])(sgp_(?:(?:[a-fA-F0-9]{16}|local)_)?[a-fA-F0-9]{40})(?![A-Za-z0-9_])'''
keywords = ["sgp_"]
aliases = ["sourcegraph-access-token"]
confidence = "high"
examples = ["SRC_ACCESS_TOKEN=sgp_{r:h:16}_{r:h:40}"]
counterexamples = ["SRC_ACCESS_TOKEN=sgp_{r:h:16}"]

[[rules]]
id = "cloudflare-origin-ca-key"
description = "Cloudflare Origin CA key"
regex = '''(?<![A-Za-z0-9_\-.])(v1\.0-[a-f0-9]{24}-[a-f0-9]{146})(?![A-Za-z0-9_\-])'''
keywords = ["v1.0-"]
confidence = "high"
examples = ["CF_ORIGIN_CA_KEY=v1.0-{r:h:24}-{r:h:146}"]
counterexamples = ["CF_ORIGIN_CA_KEY=v1.0-{r:h:24}"]

[[rules]]
id = "easypost-api-key"
description = "EasyPost API key"
regex = '''(?<![A-Za-z0-9_])(EZ[AT]K[A-Za-z0-9]{54})(?![A-Za-z0-9_])'''
keywords = ["ezak", "eztk"]
confidence = "high"
entropy = 3.5
aliases = ["easypost-api-token", "easypost-test-api-token"]
examples = ["EASYPOST_API_KEY=EZAK{r:62:54}"]
counterexamples = ["EASYPOST_API_KEY=EZAK{r:62:20}"]

[[rules]]
id = "duffel-token"
description = "Duffel API token"
regex = '''(?<![A-Za-z0-9_])(duffel_(?:test|live)_[A-Za-z0-9_\-=]{43})(?![A-Za-z0-9_\-=])'''
keywords = ["duffel_"]
confidence = "high"
entropy = 3.5
aliases = ["duffel-api-token"]
examples = ["DUFFEL_TOKEN=duffel_live_{r:u:43}"]
counterexamples = ["DUFFEL_TOKEN=duffel_live_{r:u:20}"]

[[rules]]
id = "scalingo-token"
description = "Scalingo API token"
regex = '''(?<![A-Za-z0-9_\-])(tk-us-[A-Za-z0-9_\-]{48})(?![A-Za-z0-9_\-])'''
keywords = ["tk-us-"]
confidence = "high"
entropy = 3.5
aliases = ["scalingo-api-token"]
examples = ["SCALINGO_API_TOKEN=tk-us-{r:u:48}"]
counterexamples = ["SCALINGO_API_TOKEN=tk-us-{r:u:20}"]

[[rules]]
id = "shippo-token"
description = "Shippo API token"
regex = '''(?<![A-Za-z0-9_])(shippo_(?:live|test)_[a-f0-9]{40})(?![A-Za-z0-9_])'''
keywords = ["shippo_"]
confidence = "high"
aliases = ["shippo-api-token"]
examples = ["SHIPPO_TOKEN=shippo_live_{r:h:40}"]
counterexamples = ["SHIPPO_TOKEN=shippo_live_{r:h:20}"]

[[rules]]
id = "prefect-api-key"
description = "Prefect API key"
regex = '''(?<![A-Za-z0-9_])(pnu_[A-Za-z0-9]{36})(?![A-Za-z0-9_])'''
keywords = ["pnu_"]
confidence = "high"
entropy = 3.5
aliases = ["prefect-api-token"]
examples = ["PREFECT_API_KEY=pnu_{r:62:36}"]
counterexamples = ["PREFECT_API_KEY=pnu_{r:62:20}"]

# ---------------------------------------------------------------- More tokens with prefixes of their own

[[rules]]
id = "onepassword-secret-key"
description = "1Password account secret key"
regex = '''(?<![A-Za-z0-9\-])(A3-[A-Z0-9]{6}-(?:[A-Z0-9]{11}|[A-Z0-9]{6}-[A-Z0-9]{5})-[A-Z0-9]{5}-[A-Z0-9]{5}-[A-Z0-9]{5})(?![A-Za-z0-9\-])'''
keywords = ["a3-"]
confidence = "high"
entropy = 3.5
aliases = ["1password-secret-key"]
examples = ["A3-{r:A9:6}-{r:A9:11}-{r:A9:5}-{r:A9:5}-{r:A9:5}", "secret_key: A3-{r:A9:6}-{r:A9:6}-{r:A9:5}-{r:A9:5}-{r:A9:5}-{r:A9:5}"]
counterexamples = ["A3-{r:A9:6}-{r:A9:11}"]

[[rules]]
id = "adobe-client-secret"
description = "Adobe client secret"
regex = '''(?<![A-Za-z0-9_\-])(p8e-[A-Za-z0-9]{32})(?![A-Za-z0-9_\-])'''
keywords = ["p8e-"]
confidence = "high"
entropy = 3.0
examples = ["adobeClient := \"p8e-{r:62:32}\""]
counterexamples = ["adobeClient := \"p8e-{r:62:20}\""]

[[rules]]
id = "airtable-personal-access-token"
description = "Airtable personal access token"
regex = '''(?<![A-Za-z0-9_])(pat[A-Za-z0-9]{14}\.[a-f0-9]{64})(?![A-Za-z0-9_.])'''
keywords = ["pat"]
confidence = "high"
entropy = 3.5
aliases = ["airtable-personnal-access-token"]
examples = ["AIRTABLE_TOKEN=pat{r:62:14}.{r:h:64}"]
counterexamples = ["AIRTABLE_TOKEN=pat{r:62:14}.{r:h:20}"]

[[rules]]
id = "alibaba-access-key-id"
description = "Alibaba Cloud AccessKey id"
# gitleaks' tests use 20 characters after LTAI; trufflehog's take 17 to 21.
regex = '''(?<![A-Za-z0-9])(LTAI[A-Za-z0-9]{17,21})(?![A-Za-z0-9])'''
keywords = ["ltai"]
confidence = "high"
entropy = 3.0
examples = [
  "ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI{r:62:20}",
  # trufflehog pkg/detectors/alibaba/alibaba.go idPat, alibaba_test.go TestAliBaba_Pattern "valid pattern - ignore
  # special characters at end"
  "[DEBUG] Using ID=LTAI{r:62:21};",
  "[DEBUG] Using ID=LTAI{r:62:17}",
]
counterexamples = [
  "ALIBABA_CLOUD_ACCESS_KEY_ID=LTAI{r:62:12}",
  # trufflehog alibaba_test.go TestAliBaba_Pattern "invalid pattern": an id too long
  "[DEBUG] Using ID=LTAI{r:62:24}",
]

[[rules]]
id = "alibaba-secret-key"
description = "Alibaba Cloud AccessKey secret"
regex = '''(?i)(?:alibaba|aliyun|LTAI[A-Za-z0-9]{20}){{near}}(?<![A-Za-z0-9])([a-z0-9]{30})(?![A-Za-z0-9])'''
keywords = ["alibaba", "aliyun", "ltai"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = ["ALIBABA_CLOUD_ACCESS_KEY_SECRET={r:a9:30}"]
counterexamples = ["ALIBABA_CLOUD_ACCESS_KEY_SECRET={r:a9:20}"]

[[rules]]
id = "artifactory-api-key"
description = "JFrog Artifactory API key (AKCp)"
regex = '''(?<![A-Za-z0-9])(AKCp[A-Za-z0-9]{69})(?![A-Za-z0-9])'''
keywords = ["akcp"]
confidence = "high"
entropy = 3.5
examples = ["ARTIFACTORY_API_KEY=AKCp{r:62:69}", "[DEBUG] Using Key=AKCp{r:62:69}"]
counterexamples = ["ARTIFACTORY_API_KEY=AKCp{r:62:30}"]

[[rules]]
id = "artifactory-reference-token"
description = "JFrog Artifactory reference token"
regex = '''(?<![A-Za-z0-9])(cmVmd[A-Za-z0-9]{59})(?![A-Za-z0-9])'''
keywords = ["cmvmd"]
confidence = "high"
entropy = 3.5
examples = ["ARTIFACTORY_TOKEN=cmVmd{r:62:59}"]
counterexamples = ["ARTIFACTORY_TOKEN=cmVmd{r:62:30}"]

[[rules]]
id = "artifactory-password"
description = "JFrog Artifactory password or encrypted password (AP, AKC)"
regex = '''(?i)(?:artifactory|jfrog|arti)[\s\S]{0,60}?(?<![A-Za-z0-9])((?-i:AP[0-9A-F][A-Za-z0-9]{8,}|AKC[A-Za-z0-9]{10,}))(?![A-Za-z0-9])'''
keywords = ["artifactory", "jfrog", "arti"]
multiline = true
window = 256
entropy = 3.5
filters = ["mixed"]
examples = ["artifactory_password: AP3{r:62:20}", "jfrog.password=AKC{r:62:30}"]
counterexamples = ["artifactory_password: APP_{r:A:12}"]

[[rules]]
id = "aws-bedrock-api-key"
description = "Amazon Bedrock API key"
regex = '''(?<![A-Za-z0-9+/])(ABSK[A-Za-z0-9+/]{109,269}={0,2}|bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=%&\-_.]{16,})(?![A-Za-z0-9+/=%&\-_.])'''
keywords = ["absk", "bedrock-api-key-"]
confidence = "high"
allowRuns = true
aliases = ["aws-amazon-bedrock-api-key-long-lived", "aws-amazon-bedrock-api-key-short-lived"]
examples = ["AWS_BEARER_TOKEN_BEDROCK=ABSK{r:62:120}=", "AWS_BEARER_TOKEN_BEDROCK=bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t{r:62:40}"]
counterexamples = ["AWS_BEARER_TOKEN_BEDROCK=ABSK{r:62:40}", "every short-term key starts with bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t"]

[[rules]]
id = "clickhouse-cloud-api-secret-key"
description = "ClickHouse Cloud API secret key"
regex = '''(?<![A-Za-z0-9])(4b1d[A-Za-z0-9]{38})(?![A-Za-z0-9])'''
keywords = ["4b1d"]
confidence = "high"
entropy = 3.5
filters = ["mixed"]
examples = ["CLICKHOUSE_KEY_SECRET=4b1d{r:62:38}"]
counterexamples = ["CLICKHOUSE_KEY_SECRET=4b1d{r:62:20}", "sha = 4b1d{r:h:38}"]

[[rules]]
id = "clojars-api-token"
description = "Clojars deploy token"
regex = '''(?<![A-Za-z0-9_])((?i)CLOJARS_[a-z0-9]{60})(?![A-Za-z0-9_])'''
keywords = ["clojars_"]
confidence = "high"
allowHex = true
entropy = 3.0
examples = ["CLOJARS_PASSWORD=CLOJARS_{r:a9:60}"]
counterexamples = ["CLOJARS_PASSWORD=CLOJARS_{r:a9:20}"]

[[rules]]
id = "defined-networking-api-token"
description = "Defined Networking API token"
regex = '''(?<![A-Za-z0-9_\-])(dnkey-[A-Za-z0-9=_\-]{26}-[A-Za-z0-9=_\-]{52})(?![A-Za-z0-9=_\-])'''
keywords = ["dnkey-"]
confidence = "high"
entropy = 3.5
examples = ["DN_API_KEY=dnkey-{r:u:26}-{r:u:52}"]
counterexamples = ["DN_API_KEY=dnkey-{r:u:26}"]

[[rules]]
id = "facebook-page-access-token"
description = "Facebook page or user access token"
regex = '''(?<![A-Za-z0-9])(EAA[MC][A-Za-z0-9]{100,})(?![A-Za-z0-9])'''
keywords = ["eaam", "eaac"]
window = 2048
confidence = "high"
entropy = 3.5
examples = ["FB_PAGE_TOKEN=EAAM{r:62:140}"]
counterexamples = ["FB_PAGE_TOKEN=EAAM{r:62:40}"]

[[rules]]
id = "flutterwave-secret-key"
description = "Flutterwave secret, public or encryption key"
regex = '''(?<![A-Za-z0-9_\-])(FLW(?:SEC|PUB)K(?:_TEST)?-(?i:[a-h0-9]{32})-X|FLWSECK(?:_TEST)?-?(?i:[a-h0-9]{12}))(?![A-Za-z0-9_\-])'''
keywords = ["flwseck", "flwpubk"]
confidence = "high"
allowHex = true
entropy = 3.0
aliases = ["flutterwave-public-key", "flutterwave-encryption-key"]
examples = ["FLW_SECRET_KEY=FLWSECK_TEST-{r:h:32}-X", "FLW_PUBLIC_KEY=FLWPUBK-{r:h:32}-X", "FLW_ENCRYPTION_KEY=FLWSECK_TEST{r:h:12}"]
counterexamples = ["FLW_SECRET_KEY=FLWSECK_TEST-{r:h:20}-X"]

[[rules]]
id = "frameio-api-token"
description = "Frame.io API token"
regex = '''(?<![A-Za-z0-9_\-])(fio-u-[A-Za-z0-9\-_=]{64})(?![A-Za-z0-9_\-=])'''
keywords = ["fio-u-"]
confidence = "high"
entropy = 3.5
examples = ["FRAMEIO_TOKEN=fio-u-{r:u:64}"]
counterexamples = ["FRAMEIO_TOKEN=fio-u-{r:u:30}"]

[[rules]]
id = "freemius-secret-key"
description = "Freemius secret key in a PHP configuration"
regex = '''(?i)["']secret_key["']\s*=>\s*["'](sk_[\x21-\x7e]{29})["']'''
keywords = ["secret_key"]
path = '''(?i)\.php$'''
confidence = "medium"
allowRuns = true
examples = ["{file:config.php}$config = array(\"secret_key\" => \"sk_{r:62:10}#{r:62:8}&{r:62:9}\");"]
counterexamples = ["{file:config.php}\"other_key\" => \"sk_{r:62:29}\"", "{file:index.html}\"secret_key\" => \"sk_{r:62:10}#{r:62:8}&{r:62:9}\""]

[[rules]]
id = "gitlab-feature-flag-client-token"
description = "GitLab feature flag client token"
regex = '''(?<![A-Za-z0-9_\-])(glffct-[0-9A-Za-z_\-]{20})(?![A-Za-z0-9_\-])'''
keywords = ["glffct-"]
confidence = "high"
entropy = 3.0
examples = ["UNLEASH_INSTANCE_ID=glffct-{r:u:20}"]
counterexamples = ["UNLEASH_INSTANCE_ID=glffct-{r:u:10}"]

[[rules]]
id = "gitlab-session-cookie"
description = "GitLab session cookie"
regex = '''_gitlab_session=([0-9a-z]{32})(?![A-Za-z0-9])'''
keywords = ["_gitlab_session="]
confidence = "high"
allowHex = true
entropy = 3.0
examples = ["Cookie: _gitlab_session={r:h:32}"]
counterexamples = ["Cookie: _gitlab_session={r:h:20}"]

[[rules]]
id = "gocardless-api-token"
description = "GoCardless access token"
regex = '''(?i)gocardless{{near}}(?<![A-Za-z0-9_])(live_[A-Za-z0-9\-_=]{40})(?![A-Za-z0-9\-_=])'''
keywords = ["gocardless"]
multiline = true
window = 256
entropy = 3.5
examples = ["GOCARDLESS_ACCESS_TOKEN=live_{r:u:40}"]
counterexamples = ["GOCARDLESS_ACCESS_TOKEN=live_{r:u:20}"]

[[rules]]
id = "grafana-api-key"
description = "Grafana API key (legacy)"
regex = '''(?<![A-Za-z0-9])(eyJrIjoi[A-Za-z0-9]{70,400}={0,3})(?![A-Za-z0-9=])'''
keywords = ["eyjrijoi"]
window = 1024
confidence = "high"
entropy = 3.5
examples = ["GRAFANA_API_KEY=eyJrIjoi{r:62:80}"]
counterexamples = ["GRAFANA_API_KEY=eyJrIjoi{r:62:20}"]

[[rules]]
id = "harness-api-key"
description = "Harness personal or service account token"
regex = '''(?<![A-Za-z0-9_\-.])((?:pat|sat)\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9]{24}\.[A-Za-z0-9]{20})(?![A-Za-z0-9_\-.])'''
keywords = ["pat.", "sat."]
confidence = "high"
entropy = 3.5
examples = ["HARNESS_API_KEY=pat.{r:u:22}.{r:62:24}.{r:62:20}"]
counterexamples = ["HARNESS_API_KEY=pat.{r:u:22}.{r:62:24}"]

[[rules]]
id = "infracost-api-token"
description = "Infracost API token"
regex = '''(?<![A-Za-z0-9_\-])(ico-[A-Za-z0-9]{32})(?![A-Za-z0-9_\-])'''
keywords = ["ico-"]
confidence = "high"
entropy = 3.0
examples = ["INFRACOST_API_KEY=ico-{r:62:32}"]
counterexamples = ["INFRACOST_API_KEY=ico-{r:62:20}"]

[[rules]]
id = "intra42-client-secret"
description = "42 Intra client secret"
regex = '''(?<![A-Za-z0-9_\-])(s-s4t2(?:ud|af)-[a-fA-F0-9]{64})(?![A-Za-z0-9_\-])'''
keywords = ["s-s4t2"]
confidence = "high"
allowHex = true
examples = ["FT_SECRET=s-s4t2ud-{r:h:64}"]
counterexamples = ["FT_SECRET=s-s4t2ud-{r:h:20}"]

[[rules]]
id = "maxmind-license-key"
description = "MaxMind license key"
regex = '''(?<![A-Za-z0-9_])([A-Za-z0-9]{6}_[A-Za-z0-9]{29}_mmk)(?![A-Za-z0-9_])'''
keywords = ["_mmk"]
confidence = "high"
entropy = 3.5
examples = ["MAXMIND_LICENSE_KEY={r:62:6}_{r:62:29}_mmk"]
counterexamples = ["MAXMIND_LICENSE_KEY={r:62:6}_{r:62:10}_mmk"]

[[rules]]
id = "new-relic-browser-api-token"
description = "New Relic browser API token"
regex = '''(?<![A-Za-z0-9_\-])(NRJS-[a-f0-9]{19})(?![A-Za-z0-9_\-])'''
keywords = ["nrjs-"]
confidence = "high"
allowHex = true
examples = ["NEW_RELIC_BROWSER_KEY=NRJS-{r:h:19}"]
counterexamples = ["NEW_RELIC_BROWSER_KEY=NRJS-{r:h:10}"]

[[rules]]
id = "new-relic-insert-key"
description = "New Relic insert key"
# gitleaks' tests write 32 characters after NRII-; trufflehog's 25.
regex = '''(?<![A-Za-z0-9_\-])(NRII-(?:[A-Za-z0-9\-_]{32}|[A-Za-z0-9\-_]{25}))(?![A-Za-z0-9_\-])'''
keywords = ["nrii-"]
confidence = "high"
entropy = 3.0
examples = [
  "NEW_RELIC_INSERT_KEY=NRII-{r:u:32}",
  # trufflehog pkg/detectors/newrelicinsightsinsertkey/newrelicinsightsinsertkey.go keyPat, newrelicinsightsinsertkey_test.go
  # TestNewRelicInsightsInsertKey_Pattern
  "new relic insights insert key = 'NRII-{r:u:25}'",
]
counterexamples = [
  "NEW_RELIC_INSERT_KEY=NRII-{r:u:20}",
  # trufflehog newrelicinsightsinsertkey_test.go: one character short
  "new relic insights insert key = 'NRII-{r:62:24}'",
]

[[rules]]
id = "new-relic-insights-query-key"
description = "New Relic Insights query key"
regex = '''(?<![A-Za-z0-9_\-])(NRIQ-[A-Za-z0-9\-_]{25})(?![A-Za-z0-9_\-])'''
keywords = ["nriq-"]
confidence = "high"
entropy = 3.0
examples = [
  # trufflehog pkg/detectors/newrelicinsightsquerykey/newrelicinsightsquerykey.go keyPat, newrelicinsightsquerykey_test.go
  # TestNewRelicInsightsQueryKey_Pattern
  "new relic insights query key = 'NRIQ-{r:u:25}' account ID = '{r:9:7}'",
]
counterexamples = [
  # trufflehog newrelicinsightsquerykey_test.go: one character short
  "new relic insights query key = 'NRIQ-{r:62:24}' account ID = '{r:9:7}'",
]

[[rules]]
id = "new-relic-browser-key"
description = "New Relic browser key"
regex = '''(?<![A-Za-z0-9_\-])(NRBR-[0-9a-f]{19})(?![A-Za-z0-9_\-])'''
keywords = ["nrbr-"]
confidence = "high"
entropy = 3.0
examples = [
  # trufflehog pkg/detectors/newrelicbrowserkey/newrelicbrowserkey.go keyPat, newrelicbrowserkey_test.go TestNewRelicBrowserKey_Pattern
  "new relic browser key = 'NRBR-{r:h:19}'",
]
counterexamples = [
  # trufflehog newrelicbrowserkey_test.go: one character short
  "new relic browser key = 'NRBR-{r:h:18}'",
]

[[rules]]
id = "new-relic-mobile-app-token"
description = "New Relic mobile app token"
regex = '''(?<![A-Za-z0-9_\-])((?:AA[0-9a-f]{40}|eu01xx[0-9a-f]{36})-NRMA)(?![A-Za-z0-9_\-])'''
keywords = ["-nrma"]
confidence = "high"
entropy = 3.0
examples = [
  # trufflehog pkg/detectors/newrelicmobileapptoken/newrelicmobileapptoken.go keyPat, newrelicmobileapptoken_test.go
  # TestNewRelicMobileAppToken_Pattern
  "new relic mobile app token = 'AA{r:h:40}-NRMA'",
  "new relic mobile app token EU = 'eu01xx{r:h:36}-NRMA'",
]
counterexamples = [
  # trufflehog newrelicmobileapptoken_test.go: two hex digits short
  "new relic mobile app token = 'AA{r:h:38}-NRMA'",
]

[[rules]]
id = "nuget-config-password"
description = "Clear-text password in a NuGet configuration"
regex = '''(?i)<add[ \t]+key="(?:ClearText)?Password"[ \t]*value="([^"]{8,})"[ \t]*/>'''
keywords = ["<add key="]
path = '''(?i)(?:^|/)nuget\.config$'''
confidence = "medium"
entropy = 3.0
examples = ["{file:NuGet.Config}<add key=\"ClearTextPassword\" value=\"{r:62:12}%{r:62:6}\" />"]
counterexamples = ["{file:nuget.config}<add key=\"ClearTextPassword\" value=\"%NUGET_PASSWORD%\" />", "{file:nuget.config}<add key=\"ClearTextPassword\" value=\"XXXXXXXXXXX\" />", "{file:settings.xml}<add key=\"ClearTextPassword\" value=\"{r:62:12}%{r:62:6}\" />"]
[[rules.allowlists]]
description = "NuGet's documented sample passwords"
hashes = ["dba72c00f41f4e4c435e2491a5e1ce01", "a0702bc91d699f600970f4dc4992b13e"]

[[rules]]
id = "octopus-deploy-api-key"
description = "Octopus Deploy API key"
regex = '''(?<![A-Za-z0-9_\-])(API-[A-Z0-9]{26})(?![A-Za-z0-9_\-])'''
keywords = ["api-"]
confidence = "high"
entropy = 3.0
examples = ["OCTOPUS_API_KEY=API-{r:A9:26}"]
counterexamples = ["OCTOPUS_API_KEY=API-{r:A9:10}", "X-API-VERSION-NUMBER-TWENTY-SIXCHARS"]

[[rules]]
id = "openshift-user-token"
description = "OpenShift user token"
regex = '''(?<![A-Za-z0-9_\-])(sha256~[A-Za-z0-9_\-]{43})(?![A-Za-z0-9_\-])'''
keywords = ["sha256~"]
confidence = "high"
entropy = 3.5
examples = ["oc login --token=sha256~{r:u:43}"]
counterexamples = ["oc login --token=sha256~{r:u:20}"]

[[rules]]
id = "readme-api-token"
description = "ReadMe API token"
regex = '''(?<![A-Za-z0-9_])(rdme_[a-z0-9]{70})(?![A-Za-z0-9_])'''
keywords = ["rdme_"]
confidence = "high"
allowHex = true
entropy = 3.0
examples = ["README_API_KEY=rdme_{r:a9:70}"]
counterexamples = ["README_API_KEY=rdme_{r:a9:30}"]

[[rules]]
id = "settlemint-access-token"
description = "SettleMint access token"
regex = '''(?<![A-Za-z0-9_])(sm_(?:aat|pat|sat)_[A-Za-z0-9]{16})(?![A-Za-z0-9_])'''
keywords = ["sm_aat_", "sm_pat_", "sm_sat_"]
confidence = "high"
entropy = 3.0
aliases = ["settlemint-application-access-token", "settlemint-personal-access-token", "settlemint-service-access-token"]
examples = ["SETTLEMINT_ACCESS_TOKEN=sm_pat_{r:62:16}"]
counterexamples = ["SETTLEMINT_ACCESS_TOKEN=sm_pat_{r:62:10}"]

[[rules]]
id = "slack-legacy-token"
description = "Slack legacy token (workspace, bot or user)"
regex = '''(?<![A-Za-z0-9_\-])(xox[ar]-(?:[0-9]-)?[0-9A-Za-z]{8,48}(?:-[0-9A-Za-z]{1,64}){0,4}|xoxb-[0-9]{8,14}-[A-Za-z0-9]{18,26}|xox[ospr]-[0-9]+-[0-9]+-[0-9]+-[A-Fa-f0-9]{8,})(?![A-Za-z0-9_\-])'''
keywords = ["xoxa-", "xoxr-", "xoxb-", "xoxo-", "xoxs-", "xoxp-"]
confidence = "high"
# gitleaks cmd/generate/config/rules/slack.go sets Entropy 2 on its legacy token rules: the ids lower the
# entropy of the whole token (2.9 bits per byte for its own true positive below).
entropy = 2.0
aliases = ["slack-legacy-workspace-token", "slack-legacy-bot-token"]
# The numeric parts before the last `-` are workspace, user and app ids, where runs of one digit are common
# (`511111111`); only the random last part is judged for runs.
allowRuns = true
filters = ["random-tail"]
examples = [
  "SLACK_TOKEN=xoxa-2-{r:9:9}-{r:9:11}-{r:9:13}-{r:h:18}", "SLACK_TOKEN=xoxb-{r:9:8}-{r:62:20}", "SLACK_TOKEN=xoxs-{r:9:10}-{r:9:10}-{r:9:12}-{r:h:32}",
  # gitleaks cmd/generate/config/rules/slack.go SlackLegacyWorkspaceToken: its true positive's ids are
  # 511111111-31111111111-3111111111111, its last part random hex.
  "SLACK_TOKEN=xoxa-2-511111111-31111111111-3111111111111-{r:h:18}",
  # detect-secrets tests/plugins/slack_test.py TestSlackDetector: the same token without the `2-` part.
  "\"access_token\": \"xoxa-511111111-31111111111-3111111111111-{r:h:18}\"",
]
counterexamples = [
  "SLACK_TOKEN=xoxa-xxx",
  # The random part is a run: filler, not a token.
  "SLACK_TOKEN=xoxa-2-511111111-31111111111-3111111111111-111111111111111111",
  "SLACK_TOKEN=xoxb-{r:9:10}-abcdefghijklmnopqrstuvwx",
  "SLACK_TOKEN=xoxa-2-{r:9:9}-{r:9:11}-{r:9:13}-xxxxxxxxxxxxxxxxxx",
]

[[rules]]
id = "stripe-test-key"
description = "Stripe test-mode secret or restricted key (no live data, still private)"
regex = '''(?<![A-Za-z0-9_])([sr]k_test_[A-Za-z0-9]{10,99})(?![A-Za-z0-9_])'''
keywords = ["sk_test_", "rk_test_"]
severity = "warning"
confidence = "high"
entropy = 3.0
help = "Test keys reach only test-mode data, but they are still private: roll the key in the Stripe dashboard and keep it out of the repository."
examples = ["STRIPE_SECRET_KEY=sk_test_{r:62:24}", "stripe.api_key = \"rk_test_{r:62:40}\""]
counterexamples = ["STRIPE_PUBLISHABLE_KEY=pk_test_{r:62:24}", "STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx"]

[[rules]]
id = "typeform-api-token"
description = "Typeform personal access token"
# gitleaks' tests write 59 characters after tfp_; trufflehog's (v2) 40 to 59 letters, digits and `_`.
regex = '''(?<![A-Za-z0-9_])(tfp_(?:[A-Za-z0-9\-_.=]{59}|[A-Za-z0-9_]{40,58}))(?![A-Za-z0-9\-_.=])'''
keywords = ["tfp_"]
confidence = "high"
entropy = 3.5
examples = [
  "TYPEFORM_TOKEN=tfp_{r:u:59}",
  # trufflehog pkg/detectors/typeform/v2/typeform.go keyPat, typeform_test.go TestTypeformV2_Pattern
  "typeform_token2 = 'tfp_{r:h:40}'",
]
counterexamples = ["TYPEFORM_TOKEN=tfp_{r:u:20}", "typeform_token = 'tfp_1'"]

[[rules]]
id = "yandex-api-key"
description = "Yandex Cloud API key"
regex = '''(?<![A-Za-z0-9_\-])(AQVN[A-Za-z0-9_\-]{35,38})(?![A-Za-z0-9_\-])'''
keywords = ["aqvn"]
confidence = "high"
entropy = 3.5
examples = ["YC_API_KEY=AQVN{r:u:36}"]
counterexamples = ["YC_API_KEY=AQVN{r:u:20}"]

# ---------------------------------------------------------------- Services named next to their key
#
# Keys without a prefix of their own, found by the service's name within 40 bytes before a value of the
# service's shape ({{near}}): `asana_token: v`, `<asanaToken>` and v on the next line,
# `System.setProperty("ASANA_TOKEN", "v")`, `asana token = 'v'`.


[[rules]]
id = "voiceflow-api-key"
description = "Voiceflow Dialog Manager or Workspace API key"
regex = '''(?<![A-Za-z0-9_.])(VF\.(?:DM|WS)\.[a-fA-F0-9]{24}\.[a-zA-Z0-9]{16})(?![A-Za-z0-9_.])'''
keywords = ["vf.dm.", "vf.ws."]
confidence = "high"
entropy = 3.0
examples = [
  # trufflehog pkg/detectors/voiceflow/voiceflow.go keyPat, voiceflow_test.go TestVoiceflow_Pattern valid_result1..5
  "verify: { authorization: 'VF.DM.{r:h:24}.{r:62:16}' },",
  "const key = 'VF.WS.{r:h:24}.{r:62:16}';",
]
counterexamples = [
  # trufflehog voiceflow_test.go TestVoiceflow_Pattern invalid_result1 and invalid_result2: masked examples
  "```VF_PROJECT_API='VF.DM.62xxxxxxxxxxxxxxxxxxxxxxx'```",
  "// it should look like this: VF.DM.XXXXXXX.XXXXXX... keep this a secret!",
  "key = 'VF.DM.{r:h:24}.{r:62:15}'",
]


[[rules]]
id = "spectralops-api-key"
description = "SpectralOps personal API key"
regex = '''(?<![A-Za-z0-9_\-])(spu-[a-z0-9]{32})(?![A-Za-z0-9_\-])'''
keywords = ["spu-"]
confidence = "high"
entropy = 3.0
allowHex = true
examples = [
  # trufflehog pkg/detectors/spectralops/spectralops.go spectralTokenPat (spu- and 32 lower-case letters or
  # digits); spectralops_test.go TestSpectralOps_Pattern "valid pattern - basic"
  "[DEBUG] Using token spu-{r:h:32}",
  "SPECTRAL_API_KEY=spu-{r:a9:32}",
]
counterexamples = [
  # trufflehog spectralops_test.go: "invalid pattern - uppercase characters", "- too short", "- invalid token length"
  "[DEBUG] token=spu-{r:H:32}",
  "[DEBUG] token=spu-{r:h:4}",
  "[DEBUG] token=spu-{r:h:38}",
]

[[rules]]
id = "photoroom-api-key"
description = "Photoroom API key (live or sandbox)"
regex = '''(?<![A-Za-z0-9_])((?:sandbox_)?sk_pr_[a-zA-Z0-9]{1,64}_[a-fA-F0-9]{40})(?![A-Za-z0-9_])'''
keywords = ["sk_pr_"]
confidence = "high"
entropy = 3.0
examples = [
  # trufflehog pkg/detectors/photoroom/photoroom.go keyPat (sk_pr_, a key name, _, 40 hex digits);
  # photoroom_test.go TestPhotoroom_Pattern "valid pattern", "valid sandbox pattern"
  "[DEBUG] Using Key=sk_pr_{r:a9:5}_{r:h:40}",
  "PHOTOROOM_API_KEY=sandbox_sk_pr_{r:a9:6}_{r:h:40}",
]
counterexamples = [
  # trufflehog photoroom_test.go TestPhotoroom_Pattern "invalid pattern": an underscore inside the key name
  "[DEBUG] Using Key=sk_pr_my_key_{r:h:40}",
  "[DEBUG] Using Key=sk_pr_{r:a9:5}_{r:h:39}",
]


[[rules]]
id = "deno-deploy-token"
description = "Deno Deploy access token (personal or organisation)"
regex = '''(?<![A-Za-z0-9_])(dd[pw]_[A-Za-z0-9]{36})(?![A-Za-z0-9_])'''
keywords = ["ddp_", "ddw_"]
confidence = "high"
entropy = 3.0
examples = [
  # trufflehog pkg/detectors/deno/denodeploy.go tokenPat (ddp_ or ddw_ and 36 letters or digits);
  # denodeploy_test.go TestDenoDeploy_Pattern valid_deployctl, valid_dotenv, valid_webtoken
  "\"d\": \"deployctl deploy --prod --project=o88 main.ts --token ddp_{r:62:36}\",",
  "DENO_KV_ACCESS_TOKEN=ddp_{r:62:36}",
  "headers: { Authorization: 'Bearer ddw_{r:62:36}' }",
]
counterexamples = [
  # trufflehog denodeploy_test.go TestDenoDeploy_Pattern invalid_token1..3: inside a longer word, or upper case
  "\"summonerId\": \"{r:62:5}Ddp_{r:62:36}\",",
  "_macosx.cpython-37m-darwin.so,sha256=DDw_{r:u:36},90140",
  "DENO_KV_ACCESS_TOKEN=ddp_{r:62:20}",
]

[[rules]]
id = "rootly-api-key"
description = "Rootly API key"
regex = '''(?<![A-Za-z0-9_])(rootly_[a-f0-9]{64})(?![A-Za-z0-9_])'''
keywords = ["rootly_"]
confidence = "high"
entropy = 3.0
examples = [
  # trufflehog pkg/detectors/rootly/rootly.go keyPat (rootly_ and 64 hex digits); rootly_test.go
  # TestRootly_Pattern "valid pattern", "valid pattern - key out of prefix range"
  "ROOTLY_API_KEY=rootly_{r:h:64}",
  "rootly keyword is not close to the real key in the data ='rootly_{r:h:64}'",
]
counterexamples = [
  # trufflehog rootly_test.go TestRootly_Pattern "invalid pattern": a symbol inside
  "rootly_A$3{r:h:53}",
  "ROOTLY_API_KEY=rootly_{r:h:40}",
]

[[rules]]
id = "apify-api-token"
description = "Apify API token"
regex = '''(?<![A-Za-z0-9_])(apify_api_[A-Za-z0-9]{36})(?![A-Za-z0-9_])'''
keywords = ["apify_api_"]
confidence = "high"
entropy = 3.0
examples = [
  # trufflehog pkg/detectors/apify/apify.go keyPat (apify_api_ and 36 letters or digits); apify_test.go
  # TestApiFy_Pattern "valid pattern", "valid pattern - xml"
  "[DEBUG] Using Key=apify_api_{r:62:36}",
  "<token>apify_api_{r:62:36}</token>",
]
counterexamples = [
  # trufflehog apify_test.go TestApiFy_Pattern "invalid pattern": an underscore inside
  "[DEBUG] Using Key=apify_api_{r:62:16}_{r:62:20}",
]


[[rules]]
id = "pinecone-api-key"
description = "Pinecone API key"
regex = '''(?<![A-Za-z0-9_])(pcsk_[A-Za-z0-9]{5,6}_[A-Za-z0-9]{63})(?![A-Za-z0-9_])'''
keywords = ["pcsk_"]
confidence = "high"
entropy = 3.5
examples = [
  # trufflehog pkg/detectors/pinecone/pinecone.go keyPat (pcsk_, 5 or 6 characters, _, 63 characters);
  # pinecone_test.go TestPinecone_Pattern "valid pattern - env var assignment", "valid pattern - short label"
  "PINECONE_API_KEY=pcsk_{r:62:6}_{r:62:63}",
  "primary=pcsk_{r:62:5}_{r:62:63} secondary=pcsk_{r:62:5}_{r:62:63}",
]
counterexamples = [
  # trufflehog pinecone_test.go TestPinecone_Pattern's invalid patterns: an empty, 4-character or too long part
  "pcsk__{r:62:63}",
  "pcsk_{r:62:4}_{r:62:63}",
  "pcsk_{r:62:6}_{r:62:68}",
]



[[rules]]
id = "alchemy-api-key"
description = "Alchemy API key (alcht_ form)"
regex = '''(?<![A-Za-z0-9_])(alcht_[0-9a-zA-Z]{30})(?![A-Za-z0-9_])'''
keywords = ["alcht_"]
confidence = "high"
entropy = 3.5
examples = [
  # trufflehog pkg/detectors/alchemy/alchemy.go keyPat (alcht_ and 30 letters or digits); alchemy_test.go
  # TestAlchemy_Pattern "valid pattern"
  "[DEBUG] Using Key=alcht_{r:62:30}",
]
counterexamples = [
  # trufflehog alchemy_test.go TestAlchemy_Pattern "invalid pattern": one character too many
  "[DEBUG] Using Key=alcht_{r:62:31}",
]

[[rules]]
id = "new-relic-license-key"
description = "New Relic ingest license key"
regex = '''(?<![A-Za-z0-9_])((?:[0-9a-f]{32}|eu01xx[0-9a-f]{26})FFFFNRAL)(?![A-Za-z0-9_])'''
keywords = ["ffffnral"]
confidence = "high"
entropy = 3.0
examples = [
  # trufflehog pkg/detectors/newreliclicensekey/newreliclicensekey.go keyPat; newreliclicensekey_test.go
  # TestNewRelicLicenseKey_Pattern "valid pattern", "valid pattern EU"
  "new relic license key = '{r:h:32}FFFFNRAL'",
  "NEW_RELIC_LICENSE_KEY=eu01xx{r:h:26}FFFFNRAL",
]
counterexamples = [
  # trufflehog newreliclicensekey_test.go TestNewRelicLicenseKey_Pattern "invalid pattern": 30 hex digits
  "new relic license key = '{r:h:30}FFFFNRAL'",
]

[[rules]]
id = "power-automate-webhook"
description = "Teams workflow (Power Automate) webhook URL with its signature"
regex = '''https://[a-z0-9]+\.[0-9]+\.environment\.api\.powerplatform\.com(?::[0-9]+)?/powerautomate/automations/direct/workflows/[a-f0-9]{32}/triggers/manual/paths/invoke\?[^\s"'<>]*?(?<=[?&])sig=([A-Za-z0-9_\-]{20,128})(?![A-Za-z0-9_\-])'''
keywords = ["environment.api.powerplatform.com"]
confidence = "high"
entropy = 3.0
help = "Delete the workflow's trigger URL (or the workflow) in Power Automate and create a new one; keep the URL in a secret store."
examples = [
  # trufflehog pkg/detectors/microsoftteamswebhook/v2/microsoftteamswebhook.go urlPat and sigPat;
  # microsoftteamswebhook_test.go TestScanner_Pattern "valid pattern", "valid pattern - sig first"
  "teams webhook url = 'https://default{r:h:30}.62.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/{r:h:32}/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={r:u:43}'",
  "url: https://default{r:h:30}.62.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/{r:h:32}/triggers/manual/paths/invoke?sig={r:u:43}&api-version=1",
]
counterexamples = [
  # trufflehog microsoftteamswebhook_test.go TestScanner_Pattern "invalid pattern - missing sig"
  "webhook = 'https://default{r:h:30}.62.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/{r:h:32}/triggers/manual/paths/invoke?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0'",
]


[[rules]]
id = "tines-webhook"
description = "Tines webhook URL (its path holds the secret)"
regex = '''https://[\w\-]+\.tines\.com/webhook/[a-z0-9]{32}/([a-z0-9]{32})(?![A-Za-z0-9])'''
keywords = ["tines.com/webhook/"]
confidence = "high"
entropy = 3.0
examples = [
  # trufflehog pkg/detectors/tineswebhook/tineswebhook.go keyPat, tineswebhook_test.go TestTinesWebhook_Pattern
  "tineswebhook token = 'https://{r:a:3}.tines.com/webhook/{r:a9:32}/{r:a9:32}'",
]
counterexamples = [
  # trufflehog tineswebhook_test.go TestTinesWebhook_Pattern's invalid pattern: a `?` in the path
  "tineswebhook = 'https://{r:a:3}.tines.com/webhook/{r:a9:11}?{r:a9:20}/{r:a9:32}'",
]

[[rules]]
id = "zapier-webhook"
description = "Zapier catch hook URL"
regex = '''https://hooks\.zapier\.com/hooks/catch/([A-Za-z0-9/]{16,64})(?![A-Za-z0-9/])'''
keywords = ["hooks.zapier.com/hooks/catch/"]
confidence = "high"
entropy = 2.5
examples = [
  # trufflehog pkg/detectors/zapierwebhook/zapierwebhook.go keyPat (16 letters, digits or `/` after catch/),
  # zapierwebhook_test.go TestZapierWebhook_Pattern
  "zapierwebhook token = 'https://hooks.zapier.com/hooks/catch/{r:62:16}'",
  "ZAPIER_HOOK=https://hooks.zapier.com/hooks/catch/{r:9:7}/{r:62:7}/",
]
counterexamples = [
  # trufflehog zapierwebhook_test.go TestZapierWebhook_Pattern's invalid pattern: `=?` in the path
  "zapierwebhook = 'https://hooks.zapier.com/hooks/catch/{r:a:1}=?{r:62:13}'",
]

[[rules]]
id = "braintrust-api-key"
description = "Braintrust API key"
regex = '''(?i)braintrust{{near}}(?<![A-Za-z0-9_\-])((?-i:sk-[A-Za-z0-9]{48}))(?![A-Za-z0-9_\-])'''
keywords = ["braintrust"]
multiline = true
window = 256
entropy = 3.5
examples = [
  # trufflehog pkg/detectors/braintrust/braintrust.go braintrustTokenPat (sk- and 48 letters or digits; the
  # keyword braintrust); braintrust_test.go TestBraintrust_Pattern "valid pattern - basic"
  "[DEBUG] braintrust_key=sk-{r:62:48}",
  "BRAINTRUST_API_KEY: \"sk-{r:62:48}\"",
]
counterexamples = [
  # trufflehog braintrust_test.go TestBraintrust_Pattern's invalid patterns: too short, too long, a symbol
  "[DEBUG] braintrust_key=sk-1234",
  "[DEBUG] braintrust_key=sk-{r:62:52}",
  "[DEBUG] braintrust_key=sk-{r:62:47}!",
]


[[rules]]
id = "notion-integration-secret"
description = "Notion internal integration secret (the older secret_ form)"
regex = '''(?i)notion{{near}}(?<![A-Za-z0-9_])((?-i:secret_[A-Za-z0-9]{43}))(?![A-Za-z0-9_])'''
keywords = ["notion"]
multiline = true
window = 256
entropy = 3.5
examples = [
  # trufflehog pkg/detectors/notion/notion.go keyPat (secret_ and 43 letters or digits, the keyword notion);
  # notion_test.go TestNotion_Pattern "valid pattern - with keyword notion"
  "notion token = 'secret_{r:62:43}'",
  "NOTION_API_KEY=secret_{r:62:43}",
]
counterexamples = [
  # trufflehog notion_test.go TestNotion_Pattern "invalid pattern": a `?` inside
  "notion = 'secret_{r:62:17}?{r:62:25}'",
  "client_secret = 'secret_{r:62:43}'",
]


[[rules]]
id = "ipinfo-token"
description = "IPinfo access token"
regex = '''(?i)ipinfo{{near}}(?<![A-Za-z0-9])([a-f0-9]{14})(?![A-Za-z0-9])'''
keywords = ["ipinfo"]
multiline = true
window = 256
allowHex = true
entropy = 2.0
examples = [
  # trufflehog pkg/detectors/ipinfo/ipinfo.go keyPat (14 hex digits within 40 bytes of ipinfo); ipinfo_test.go
  # TestIpinfo_Pattern "valid pattern - with keyword ipinfo"
  "ipinfo token = '{r:h:14}'",
  "IPINFO_TOKEN={r:h:14}",
]
counterexamples = [
  # trufflehog ipinfo_test.go TestIpinfo_Pattern "invalid pattern" and "valid pattern - key out of prefix range"
  "ipinfo = '{r:h:13}'",
  "ipinfo keyword is not close to the real key in the data{nl} = '{r:h:14}'",
]

[[rules]]
id = "aha-api-key"
description = "Aha! API key"
regex = '''(?i)aha\.io{{near}}(?<![A-Za-z0-9])([0-9a-f]{64})(?![A-Za-z0-9])'''
keywords = ["aha.io"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = [
  # trufflehog pkg/detectors/aha/aha.go keyPat (64 hex digits within 40 bytes of aha; its keyword is aha.io);
  # aha_test.go TestAha_Pattern "valid pattern - only key"
  "[INFO] sending request to the aha.io API{nl}[DEBUG] using key = {r:h:64}",
]
counterexamples = [
  # trufflehog aha_test.go TestAha_Pattern "invalid pattern" (a J in the key) and "key out of prefix range"
  "[INFO] sending request to the aha.io API{nl}[DEBUG] using key = {r:h:27}J{r:h:36}",
  "[INFO] sending request to the aha.io API{nl}[WARN] Do not commit the secrets{nl}[DEBUG] using key = {r:h:64}",
]

[[rules]]
id = "adobe-client-id"
description = "Adobe OAuth client id"
regex = '''(?i)adobe{{near}}(?<![A-Za-z0-9])([a-f0-9]{32})(?![A-Za-z0-9])'''
keywords = ["adobe"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = ["ADOBE_CLIENT_ID={r:h:32}", "<adobeClientId>{nl}    {r:h:32}{nl}</adobeClientId>"]
counterexamples = ["ADOBE_CLIENT_ID={r:h:31}", "client_id = {r:h:32}"]

[[rules]]
id = "algolia-api-key"
description = "Algolia API key"
regex = '''(?i)algolia{{near}}(?<![A-Za-z0-9])([a-z0-9]{32})(?![A-Za-z0-9])'''
keywords = ["algolia"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = ["ALGOLIA_API_KEY={r:a9:32}", "algoliasearch('{r:A9:10}', '{r:h:32}')"]
counterexamples = ["ALGOLIA_API_KEY={r:a9:30}"]

[[rules]]
id = "asana-client-id"
description = "Asana client id"
regex = '''(?i)asana{{near}}(?<![A-Za-z0-9])([0-9]{16})(?![A-Za-z0-9])'''
keywords = ["asana"]
multiline = true
window = 256
allowHex = true
entropy = 2.5
severity = "warning"
examples = ["ASANA_CLIENT_ID={r:9:16}"]
counterexamples = ["ASANA_CLIENT_ID={r:9:12}", "order_id = {r:9:16}"]

[[rules]]
id = "asana-client-secret"
description = "Asana client secret"
regex = '''(?i)asana{{near}}(?<![A-Za-z0-9])([a-z0-9]{32})(?![A-Za-z0-9])'''
keywords = ["asana"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = ["asana_client_secret: {r:a9:32}"]
counterexamples = ["asana_client_secret: {r:a9:20}"]

[[rules]]
id = "atlassian-api-token-legacy"
description = "Atlassian (Jira, Confluence) API token, legacy 24-character form"
regex = '''(?i)(?-i:ATLASSIAN|[Aa]tlassian|CONFLUENCE|[Cc]onfluence|JIRA|[Jj]ira){{near}}(?<![A-Za-z0-9])([a-z0-9]{20}[a-f0-9]{4})(?![A-Za-z0-9])'''
keywords = ["atlassian", "confluence", "jira"]
multiline = true
window = 256
allowHex = true
entropy = 3.5
examples = ["JIRA_API_TOKEN={r:a9:20}{r:h:4}", "confluence_token: \"{r:a9:20}{r:h:4}\""]
counterexamples = ["JIRA_PROJECT=PLATFORM-{r:9:4}", "jira_token = {r:a9:30}"]

[[rules]]
id = "cisco-meraki-api-key"
description = "Cisco Meraki API key"
regex = '''(?-i:[Mm]eraki|MERAKI){{near}}(?<![A-Za-z0-9])([0-9a-f]{40})(?![A-Za-z0-9])'''
keywords = ["meraki"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = ["MERAKI_DASHBOARD_API_KEY={r:h:40}"]
counterexamples = ["MERAKI_DASHBOARD_API_KEY={r:h:40}R21", "sha = {r:h:40}"]

[[rules]]
id = "cloudflare-global-api-key"
description = "Cloudflare global API key"
regex = '''(?i)cloudflare{{near}}(?<![A-Za-z0-9])([a-f0-9]{37})(?![A-Za-z0-9])|(?<![A-Za-z0-9_])(cfk_[A-Za-z0-9]{40}[a-f0-9]{8})(?![A-Za-z0-9_])'''
keywords = ["cloudflare", "cfk_"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = ["CLOUDFLARE_API_KEY={r:h:37}", "staging_key: \"cfk_{r:62:40}{r:h:8}\""]
counterexamples = ["CLOUDFLARE_API_KEY={r:h:36}"]

[[rules]]
id = "cloudflare-api-key"
description = "Cloudflare API token"
regex = '''(?i)cloudflare{{near}}(?<![A-Za-z0-9_\-])([a-z0-9_\-]{40})(?![A-Za-z0-9_\-])'''
keywords = ["cloudflare"]
multiline = true
window = 256
allowHex = true
entropy = 3.5
examples = ["CLOUDFLARE_API_TOKEN={r:u:40}"]
counterexamples = ["CLOUDFLARE_ZONE=example.invalid"]

[[rules]]
id = "discord-client-id"
description = "Discord client id"
regex = '''(?i)discord{{near}}(?<![A-Za-z0-9])([0-9]{18})(?![A-Za-z0-9])'''
keywords = ["discord"]
multiline = true
window = 256
allowHex = true
entropy = 2.5
severity = "warning"
examples = ["DISCORD_CLIENT_ID={r:9:18}"]
counterexamples = ["DISCORD_CLIENT_ID={r:9:12}"]

[[rules]]
id = "discord-api-token"
description = "Discord API key"
regex = '''(?i)discord{{near}}(?<![A-Za-z0-9])([a-f0-9]{64})(?![A-Za-z0-9])'''
keywords = ["discord"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = ["DISCORD_API_KEY={r:h:64}"]
counterexamples = ["DISCORD_API_KEY={r:h:60}"]

[[rules]]
id = "discord-client-secret"
description = "Discord client secret"
regex = '''(?i)discord{{near}}(?<![A-Za-z0-9_\-])([a-z0-9=_\-]{32})(?![A-Za-z0-9=_\-])'''
keywords = ["discord"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = ["DISCORD_CLIENT_SECRET={r:u:32}"]
counterexamples = ["DISCORD_CLIENT_SECRET={r:u:20}"]

[[rules]]
id = "etsy-access-token"
description = "Etsy access token"
regex = '''(?-i:ETSY|[Ee]tsy){{near}}(?<![A-Za-z0-9])([A-Za-z0-9]{24})(?![A-Za-z0-9])'''
keywords = ["etsy"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = ["ETSY_API_KEY={r:a9:24}"]
counterexamples = ["ETSY_API_KEY={r:a9:20}"]

[[rules]]
id = "facebook-secret"
description = "Facebook app secret"
regex = '''(?i)facebook{{near}}(?<![A-Za-z0-9])([a-f0-9]{32})(?![A-Za-z0-9])'''
keywords = ["facebook"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = ["FACEBOOK_APP_SECRET={r:h:32}"]
counterexamples = ["FACEBOOK_APP_SECRET={r:h:30}"]

[[rules]]
id = "facebook-access-token"
description = "Facebook app access token (app id | secret)"
regex = '''(?i)facebook{{near}}(?<![A-Za-z0-9])([0-9]{15,16}(?:\||%7C)[0-9a-z\-_]{27,40})(?![A-Za-z0-9\-_])'''
keywords = ["facebook"]
multiline = true
window = 256
entropy = 3.0
examples = ["facebook_token = \"{r:9:16}|{r:u:27}\""]
counterexamples = ["facebook_token = \"{r:9:16}|short\""]

[[rules]]
id = "finicity-api-token"
description = "Finicity API token"
regex = '''(?i)finicity{{near}}(?<![A-Za-z0-9])([a-f0-9]{32})(?![A-Za-z0-9])'''
keywords = ["finicity"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = ["FINICITY_APP_KEY={r:h:32}"]
counterexamples = ["FINICITY_APP_KEY={r:h:31}"]

[[rules]]
id = "heroku-api-key-uuid"
description = "Heroku API key (UUID form)"
regex = '''(?i)heroku{{near}}(?<![A-Za-z0-9\-])([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9\-])'''
keywords = ["heroku"]
multiline = true
window = 256
allowUUID = true
aliases = ["heroku-api-key-v1"]
examples = ["HEROKU_API_KEY={r:h:8}-{r:h:4}-{r:h:4}-{r:h:4}-{r:h:12}"]
counterexamples = ["request_id = {r:h:8}-{r:h:4}-{r:h:4}-{r:h:4}-{r:h:12}"]

# Heroku API keys of 32 hex digits (older than the HRKU- format), only where Heroku names them: a Heroku
# keyword on the same line, or "api_key" in a heroku.json.
[[rules]]
id = "heroku-api-key-hex"
description = "Heroku API key (32 hex digits), named by a Heroku keyword"
regex = '''(?i)(?<![a-z0-9])heroku[a-z0-9_.\-]{0,30}?(?:api[_.\-]?key|key(?![a-z])|token|secret|password|pass(?![a-z])|auth)[a-z0-9_.\-]{0,20}["'\]]{0,2}[ \t]{0,4}(?::=|=>|=|:|[ \t])[ \t]{0,4}["']?(?<![0-9a-z])([0-9a-f]{32})(?![0-9a-z])'''
keywords = ["heroku"]
window = 256
allowHex = true
confidence = "medium"
entropy = 3.0
aliases = ["heroku-api-key-legacy"]
examples = ["HEROKU_API_KEY={r:h:32}", "heroku.api_key = '{r:h:32}'", "export HEROKU_AUTH_TOKEN=\"{r:h:32}\""]
counterexamples = ["HEROKU_APP_ID={r:h:32}", "api_key = {r:h:32}", "HEROKU_API_KEY={r:h:31}", "HEROKU_SLUG_COMMIT={r:h:32}"]
[[rules.allowlists]]
description = "names of digests, commits and ids"
regexTarget = "name"
regexes = ['''(?i)^[a-z0-9_.\-]*?(?:sha|sha1|hash|digest|checksum|commit|rev|ref|id|fingerprint)[0-9]{0,3}(?![a-z0-9_.\-])''']

[[rules]]
id = "heroku-api-key-hex-file"
description = "Heroku API key (32 hex digits) in a heroku.json"
regex = '''(?i)"api[_\-]?key"[ \t]*:[ \t]*"([0-9a-f]{32})"'''
path = '''(?i)(?:^|/)\.?heroku[^/]*\.json$'''
keywords = ["api_key", "apikey", "api-key"]
allowHex = true
confidence = "medium"
entropy = 3.0
examples = ["{file:heroku.json}{\"name\": \"app\", \"api_key\": \"{r:h:32}\"}"]
counterexamples = ["{file:package.json}{\"api_key\": \"{r:h:32}\"}", "{file:heroku.json}{\"app_id\": \"{r:h:32}\"}"]

[[rules]]
id = "hubspot-api-key"
description = "HubSpot API key"
regex = '''(?i)hubspot{{near}}(?<![A-Za-z0-9\-])([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9\-])'''
keywords = ["hubspot"]
multiline = true
window = 256
allowUUID = true
examples = ["HUBSPOT_API_KEY={r:H:8}-{r:H:4}-{r:H:4}-{r:H:4}-{r:H:12}", "new HubSpotAPI(\"{r:h:8}-{r:h:4}-{r:h:4}-{r:h:4}-{r:h:12}\")"]
counterexamples = ["HUBSPOT_PORTAL={r:9:8}"]

[[rules]]
id = "jfrog-api-key"
description = "JFrog Artifactory API key"
regex = '''(?i)(?:jfrog|artifactory|bintray|xray){{near}}(?<![A-Za-z0-9])([a-z0-9]{73})(?![A-Za-z0-9])'''
keywords = ["jfrog", "artifactory", "bintray", "xray"]
multiline = true
window = 256
allowHex = true
entropy = 3.5
examples = ["ARTIFACTORY_API_KEY={r:a9:73}"]
counterexamples = ["ARTIFACTORY_API_KEY={r:a9:60}"]

[[rules]]
id = "jfrog-identity-token"
description = "JFrog identity token"
regex = '''(?i)(?:jfrog|artifactory|bintray|xray){{near}}(?<![A-Za-z0-9])([a-z0-9]{64})(?![A-Za-z0-9])'''
keywords = ["jfrog", "artifactory", "bintray", "xray"]
multiline = true
window = 256
allowHex = true
entropy = 3.5
examples = ["JFROG_ACCESS_TOKEN={r:a9:64}"]
counterexamples = ["JFROG_ACCESS_TOKEN={r:a9:50}"]

[[rules]]
id = "kucoin-access-token"
description = "KuCoin access token"
regex = '''(?i)kucoin{{near}}(?<![A-Za-z0-9])([a-f0-9]{24})(?![A-Za-z0-9])'''
keywords = ["kucoin"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = ["KUCOIN_API_KEY={r:h:24}"]
counterexamples = ["KUCOIN_API_KEY={r:h:20}"]

[[rules]]
id = "kucoin-secret-key"
description = "KuCoin secret key"
regex = '''(?i)kucoin{{near}}(?<![A-Za-z0-9\-])([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9\-])'''
keywords = ["kucoin"]
multiline = true
window = 256
allowUUID = true
examples = ["KUCOIN_API_SECRET={r:h:8}-{r:h:4}-{r:h:4}-{r:h:4}-{r:h:12}"]
counterexamples = ["KUCOIN_API_SECRET={r:h:8}-{r:h:4}"]

[[rules]]
id = "linear-client-secret"
description = "Linear OAuth client secret"
regex = '''(?i)linear{{near}}(?<![A-Za-z0-9])([a-f0-9]{32})(?![A-Za-z0-9])'''
keywords = ["linear"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = ["LINEAR_CLIENT_SECRET={r:h:32}"]
counterexamples = ["LINEAR_CLIENT_SECRET={r:h:31}"]

[[rules]]
id = "lob-api-key"
description = "Lob API key"
regex = '''(?i)lob{{near}}(?<![A-Za-z0-9_])((?:live|test)_(?:pub_[a-f0-9]{31}|[a-f0-9]{35}))(?![A-Za-z0-9_])'''
keywords = ["lob"]
multiline = true
window = 256
entropy = 3.0
aliases = ["lob-pub-api-key"]
examples = ["LOB_API_KEY=live_{r:h:35}", "lob_publishable: test_pub_{r:h:31}"]
counterexamples = ["LOB_API_KEY=live_{r:h:20}"]

[[rules]]
id = "mailgun-signing-key"
description = "Mailgun webhook signing key"
regex = '''(?i)mailgun{{near}}(?<![A-Za-z0-9\-])([a-h0-9]{32}-[a-h0-9]{8}-[a-h0-9]{8})(?![A-Za-z0-9\-])'''
keywords = ["mailgun"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = ["MAILGUN_SIGNING_KEY={r:h:32}-{r:h:8}-{r:h:8}"]
counterexamples = ["MAILGUN_SIGNING_KEY={r:h:32}"]

[[rules]]
id = "mailgun-pub-key"
description = "Mailgun public validation key"
regex = '''(?<![A-Za-z0-9_\-])(pubkey-[a-f0-9]{32})(?![A-Za-z0-9_\-])'''
keywords = ["pubkey-"]
severity = "warning"
entropy = 3.0
examples = ["MAILGUN_PUBLIC_KEY=pubkey-{r:h:32}"]
counterexamples = ["MAILGUN_PUBLIC_KEY=pubkey-{r:h:20}"]

[[rules]]
id = "messagebird-client-id"
description = "MessageBird client id"
regex = '''(?i)message[_\-]?bird{{near}}(?<![A-Za-z0-9\-])([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9\-])'''
keywords = ["messagebird", "message-bird", "message_bird"]
multiline = true
window = 256
allowUUID = true
examples = ["MESSAGEBIRD_CLIENT_ID={r:h:8}-{r:h:4}-{r:h:4}-{r:h:4}-{r:h:12}"]
counterexamples = ["MESSAGEBIRD_CLIENT_ID={r:h:8}"]

[[rules]]
id = "messagebird-api-token"
description = "MessageBird API token"
regex = '''(?i)message[_\-]?bird{{near}}(?<![A-Za-z0-9])([a-z0-9]{25})(?![A-Za-z0-9])'''
keywords = ["messagebird", "message-bird", "message_bird"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = ["MESSAGEBIRD_API_KEY={r:a9:25}"]
counterexamples = ["MESSAGEBIRD_API_KEY={r:a9:20}"]

[[rules]]
id = "new-relic-user-api-id"
description = "New Relic user API id"
regex = '''(?i)new[_\-]?relic{{near}}(?<![A-Za-z0-9])([a-z0-9]{64})(?![A-Za-z0-9])'''
keywords = ["newrelic", "new-relic", "new_relic"]
multiline = true
window = 256
allowHex = true
entropy = 3.5
examples = ["NEW_RELIC_API_ID={r:a9:64}"]
counterexamples = ["NEW_RELIC_API_ID={r:a9:40}"]

[[rules]]
id = "okta-access-token"
description = "Okta API token"
regex = '''(?-i:[Oo]kta|OKTA){{near}}(?<![A-Za-z0-9_\-])(00[A-Za-z0-9=_\-]{40})(?![A-Za-z0-9=_\-])'''
keywords = ["okta"]
multiline = true
window = 256
entropy = 3.5
examples = ["OKTA_API_TOKEN=00{r:u:40}"]
counterexamples = ["OKTA_API_TOKEN=00{r:u:20}"]

[[rules]]
id = "plaid-client-id"
description = "Plaid client id"
regex = '''(?i)plaid{{near}}(?<![A-Za-z0-9])([a-z0-9]{24})(?![A-Za-z0-9])'''
keywords = ["plaid"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
severity = "warning"
examples = ["PLAID_CLIENT_ID={r:a9:24}"]
counterexamples = ["PLAID_CLIENT_ID={r:a9:20}"]

[[rules]]
id = "plaid-secret-key"
description = "Plaid secret key"
regex = '''(?i)plaid{{near}}(?<![A-Za-z0-9])([a-z0-9]{30})(?![A-Za-z0-9])'''
keywords = ["plaid"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = ["PLAID_SECRET={r:a9:30}"]
counterexamples = ["PLAID_SECRET={r:a9:20}"]

[[rules]]
id = "plaid-api-token"
description = "Plaid access token"
regex = '''(?<![A-Za-z0-9_\-])(access-(?:sandbox|development|production)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9_\-])'''
keywords = ["access-sandbox-", "access-development-", "access-production-"]
confidence = "high"
examples = ["PLAID_ACCESS_TOKEN=access-production-{r:h:8}-{r:h:4}-{r:h:4}-{r:h:4}-{r:h:12}"]
counterexamples = ["PLAID_ACCESS_TOKEN=access-production-{r:h:8}"]

[[rules]]
id = "sendbird-access-id"
description = "Sendbird application id"
regex = '''(?i)sendbird{{near}}(?<![A-Za-z0-9\-])([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9\-])'''
keywords = ["sendbird"]
multiline = true
window = 256
allowUUID = true
severity = "warning"
examples = ["SENDBIRD_APP_ID={r:H:8}-{r:H:4}-{r:H:4}-{r:H:4}-{r:H:12}"]
counterexamples = ["SENDBIRD_APP_ID={r:H:8}"]

[[rules]]
id = "sendbird-access-token"
description = "Sendbird API token"
regex = '''(?i)sendbird{{near}}(?<![A-Za-z0-9])([a-f0-9]{40})(?![A-Za-z0-9])'''
keywords = ["sendbird"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = ["SENDBIRD_API_TOKEN={r:h:40}"]
counterexamples = ["SENDBIRD_API_TOKEN={r:h:32}"]

[[rules]]
id = "sentry-access-token"
description = "Sentry access token (legacy, hex)"
regex = '''(?i)sentry{{near}}(?<![A-Za-z0-9])([a-f0-9]{64})(?![A-Za-z0-9])'''
keywords = ["sentry"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = ["SENTRY_AUTH_TOKEN={r:h:64}"]
counterexamples = ["SENTRY_AUTH_TOKEN={r:h:40}"]

[[rules]]
id = "sidekiq-secret"
description = "Sidekiq Pro or Enterprise credentials"
regex = '''(?i)(?:BUNDLE_ENTERPRISE__CONTRIBSYS__COM|BUNDLE_GEMS__CONTRIBSYS__COM){{near}}(?<![A-Za-z0-9])([a-f0-9]{8}:[a-f0-9]{8})(?![A-Za-z0-9])|(?i)https?://([a-f0-9]{8}:[a-f0-9]{8})@(?:gems|enterprise)\.contribsys\.com(?![A-Za-z0-9.\-])'''
keywords = ["bundle_enterprise__contribsys__com", "bundle_gems__contribsys__com", "gems.contribsys.com", "enterprise.contribsys.com"]
multiline = true
window = 256
allowHex = true
entropy = 2.5
aliases = ["sidekiq-sensitive-url"]
examples = ["BUNDLE_ENTERPRISE__CONTRIBSYS__COM={r:h:8}:{r:h:8}", "source \"https://{r:h:8}:{r:h:8}@gems.contribsys.com/\""]
counterexamples = ["source \"https://gems.contribsys.com/\""]

[[rules]]
id = "snyk-api-token"
description = "Snyk API token"
regex = '''(?i)snyk[_.\-]?(?:(?:api|oauth)[_.\-]?)?(?:key|token){{near}}(?<![A-Za-z0-9\-])([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9\-])'''
keywords = ["snyk"]
multiline = true
window = 256
allowUUID = true
examples = ["set SNYK_API_TOKEN={r:h:8}-{r:h:4}-{r:h:4}-{r:h:4}-{r:h:12}", "snyk_token: {r:h:8}-{r:h:4}-{r:h:4}-{r:h:4}-{r:h:12}"]
counterexamples = ["snyk_org: {r:h:8}-{r:h:4}-{r:h:4}-{r:h:4}-{r:h:12}"]

[[rules]]
id = "sonar-api-token"
description = "SonarQube or SonarCloud token"
regex = '''(?i)sonar[_.\-]?(?:login|token){{near}}(?<![A-Za-z0-9_\-])((?:squ_|sqp_|sqa_)?[a-z0-9=_\-]{40})(?![A-Za-z0-9=_\-])|(?<![A-Za-z0-9_])(sq[upa]_[a-f0-9]{40})(?![A-Za-z0-9_])'''
keywords = ["sonar", "squ_", "sqp_", "sqa_"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = ["SONAR_TOKEN={r:h:40}", "sonar.login=squ_{r:h:40}", "-Dsonar.token={r:a9:40}"]
counterexamples = ["SONAR_TOKEN={r:h:20}"]

[[rules]]
id = "squarespace-access-token"
description = "Squarespace API key"
regex = '''(?i)squarespace{{near}}(?<![A-Za-z0-9\-])([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?![A-Za-z0-9\-])'''
keywords = ["squarespace"]
multiline = true
window = 256
allowUUID = true
examples = ["SQUARESPACE_API_KEY={r:h:8}-{r:h:4}-{r:h:4}-{r:h:4}-{r:h:12}"]
counterexamples = ["SQUARESPACE_SITE={r:h:8}"]

[[rules]]
id = "sumologic-access-id"
description = "Sumo Logic access id"
regex = '''(?-i:[Ss]umo|SUMO){{near}}(?<![A-Za-z0-9])(su[A-Za-z0-9]{12})(?![A-Za-z0-9])'''
keywords = ["sumo"]
multiline = true
window = 256
entropy = 3.0
severity = "warning"
examples = ["SUMO_ACCESS_ID=su{r:62:12}"]
counterexamples = ["SUMO_ACCESS_ID=su{r:62:6}"]

[[rules]]
id = "sumologic-access-token"
description = "Sumo Logic access key"
regex = '''(?-i:[Ss]umo|SUMO){{near}}(?<![A-Za-z0-9])([A-Za-z0-9]{64})(?![A-Za-z0-9])'''
keywords = ["sumo"]
multiline = true
window = 256
allowHex = true
entropy = 3.0
examples = ["SUMO_ACCESS_KEY={r:62:64}"]
counterexamples = ["SUMO_ACCESS_KEY={r:62:9}"]


[[rules]]
id = "scrapingbee-api-key"
description = "ScrapingBee API key"
regex = '''(?i)scraping[ _\-]?bee{{near}}(?<![A-Za-z0-9])((?-i:[A-Z0-9]{80}))(?![A-Za-z0-9])'''
keywords = ["scrapingbee", "scraping bee", "scraping_bee", "scraping-bee"]
multiline = true
window = 256
entropy = 3.5
examples = [
  # trufflehog pkg/detectors/scrapingbee/scrapingbee.go keyPat (the name within 40 bytes, then 80 upper-case
  # letters and digits); scrapingbee_test.go TestScrapingBee_Pattern valid_js1, valid_python_sdk, valid_underscore
  "const scrapingBeeApiKey ={nl}  \"{r:A9:80}\";",
  "gn.top_news(scraping_bee = '{r:A9:80}')",
  "func connectToScrapingBee() {{nl}\t// API KEY = {r:A9:80}",
]
counterexamples = [
  # trufflehog scrapingbee_test.go TestScrapingBee_Pattern "invalid - lowercase"
  "scrapingbee_key = '{r:a9:80}'",
  "scrapingbee_key = '{r:A9:79}'",
]

[[rules]]
id = "smartsheet-access-token"
description = "Smartsheet API access token"
regex = '''(?i)smartsheet{{near}}(?<![A-Za-z0-9])([A-Za-z0-9]{37}|[A-Za-z0-9]{26})(?![A-Za-z0-9])'''
keywords = ["smartsheet"]
multiline = true
window = 256
entropy = 3.0
examples = [
  # trufflehog pkg/detectors/smartsheets/smartsheets.go keyPat (37 or 26 letters and digits after the name);
  # smartsheets_test.go TestSmartsheets_Pattern "valid pattern - with keyword smartsheet and sheet", "valid pattern - 26 characters"
  "sheets := getsmartsheet(\"{r:62:37}\")",
  "# smartsheet credentials{nl}sheet_token := \"{r:62:26}\"",
]
counterexamples = [
  # trufflehog smartsheets_test.go TestSmartsheets_Pattern "invalid pattern - 30 characters", "invalid pattern"
  "# smartsheet invalid credentials{nl}sheet_token := \"{r:62:30}\"",
  "# smartsheet secret{nl}sheet_id = {r:62:4}?{r:62:32}",
]

[[rules]]
id = "twitter-bearer-token"
description = "Twitter (X) bearer token"
regex = '''(?i)twitter{{near}}(?<![A-Za-z0-9%])(A{22}[A-Za-z0-9%]{80,100})(?![A-Za-z0-9%])'''
keywords = ["twitter"]
multiline = true
window = 256
allowRuns = true
entropy = 3.0
examples = ["TWITTER_BEARER_TOKEN=AAAAAAAAAAAAAAAAAAAAAA{r:62:90}"]
counterexamples = ["TWITTER_BEARER_TOKEN=AAAAAAAAAAAAAAAAAAAAA{r:62:20}"]


# ---------------------------------------------------------------- Credentials in commands and manifests

[[rules]]
id = "curl-auth-user"
description = "Password passed to curl with -u or --user"
# curl, then (on the same command, across at most five continued lines) -u/--user with user:password.
regex = '''(?<![A-Za-z0-9_\-])curl(?![A-Za-z0-9_\-])(?:[^\r\n]*|[^\r\n]*(?:\\\r?\n[^\r\n]*){1,5})?[ \t](?:-u|--user)(?:=|[ \t]{1,5})(?|"[^":\s]{0,64}:([^"\s]{3,128})"|'[^':\s]{0,64}:([^'\s]{3,128})'|"([^":\s]{3,128}):"|'([^':\s]{3,128}):'|(?:"[^"\s]{1,64}"|'[^'\s]{1,64}'|[A-Za-z0-9_$@.\-]{1,64}):(?|"([^"\s]{3,128})"|'([^'\s]{3,128})'|([A-Za-z0-9_${}@.!#%^&*+=~\-]{3,128})))(?![^\s])'''
keywords = ["curl"]
multiline = true
window = 1024
confidence = "medium"
entropy = 2.5
filters = ["assignment"]
help = "Change the password, and let curl read credentials from a .netrc file or the environment instead of the command line."
examples = [
  "curl --cacert ca.crt -u elastic:{r:62:8}$1 https://localhost:9200",
  "curl -s --user 'api:{r:62:10}!t' \\{nl}    https://api.example.invalid/v3/messages",
  "curl -X POST --user \"j.smith:{r:62:12}#4J\" \"https://api.example.invalid/user/me\"",
  "curl --user kevin:'{r:62:16}' -iX PATCH",
  # gitleaks cmd/generate/config/rules/curl.go CurlBasicAuth's true positives: an empty password leaves the
  # user part as the secret (`curl -u "d2Lk...!t:"`, the rule's "empty password" case).
  "curl -u \"{r:62:10}!t:\" https://localhost:9200",
]
counterexamples = [
  "curl -u \"${_username}:${_password}\"",
  "curl -u <user:password> https://test.example.invalid/endpoint",
  "curl --user \"$GITHUB_USERNAME:$GITHUB_PASSWORD\" \"$GITHUB_URL\"",
  "curl -u \"myusername\" http://localhost:15130/api/check_user/",
  "curl -X POST --user \"$(cat ./login.txt):$(cat ./password.txt)\"",
  # gitleaks curl.go CurlBasicAuth's false positives: empty user and password.
  "curl -u \":\" https://localhost:9200",
]
[[rules.allowlists]]
description = "placeholder credentials in documentation"
stopwords = ["example"]
placeholders = ["password", "passwd", "pass", "secret", "token", "username", "xxx", "yyy", "changeme"]

[[rules]]
id = "curl-auth-header"
description = "Credential in a curl Authorization or API key header"
regex = '''(?i)(?<![A-Za-z0-9_\-])curl(?![A-Za-z0-9_\-])(?:[^\r\n]*?|[^\r\n]*?(?:\\\r?\n[^\r\n]*?){1,5})[ \t](?:-H|--header)(?:=|[ \t]{1,5})["'](?:Authorization:[ \t]{0,5}(?:Basic[ \t]+([A-Za-z0-9+/]{8,}={0,3})|(?:Bearer|(?:Api-)?Token)[ \t]+([\w=~@.+/\-]{8,})|([\w=~@.+/\-]{8,}))|(?:X-(?:[a-z]+-)?)?(?:Api-?)?(?:Key|Token):[ \t]{0,5}([\w=~@.+/\-]{8,}))["']'''
keywords = ["curl"]
multiline = true
window = 1024
confidence = "medium"
entropy = 2.75
# The header names a credential: a hex or UUID value in it is the credential, not a digest or an id
# (gitleaks cmd/generate/config/rules/curl.go, CurlHeaderAuth()'s true positives: Token 22cb98..., apikey: c4ed6c21-...).
allowHex = true
allowUUID = true
filters = ["assignment"]
help = "Revoke the credential, and read it from the environment in the command ($TOKEN) instead of writing it."
examples = [
  "curl -k -X POST --header \"Authorization: Basic {r:64:60}\" \"https://api.example.invalid/token\"",
  "curl -H \"Authorization: Token {r:62:40}\" --request PUT https://api.example.invalid/use",
  "curl https://api.example.invalid/v1/chat \\{nl}  -H \"Content-Type: application/json\" \\{nl}  -H 'X-Api-Key: {r:62:32}'",
  "curl -H \"Authorization: Token {r:h:40}\" --request PUT https://api.example.invalid/use",
  "curl -X GET \\{nl}     -H \"apikey: {r:h:8}-{r:h:4}-4{r:h:3}-a{r:h:3}-{r:h:12}\" \\{nl}     -H \"Accept: application/json\"",
  "curl -XPOST http://localhost:8080/api/tasks -H \"Token: {r:h:16}\" -d \"content=hello\"",
]
counterexamples = [
  "curl https://example.invalid/micropub -H \"Authorization: Bearer XXXXXXXXXXXX\"",
  "curl -X GET -H \"Authorization: Bearer $(gcloud auth print-access-token)\" https://example.invalid/",
  "curl -H \"Authorization: Bearer ${TOKEN}\" https://example.invalid/",
]

[[rules]]
id = "kubernetes-secret-yaml"
description = "Value in the data of a Kubernetes Secret manifest"
# `kind: Secret` within 300 bytes of a `data:` or `stringData:` map, in either order; the first entry whose
# value is base64 of 10 or more characters.
regex = '''(?i)(?|kind:[ \t]*["']?secret["']?[ \t]*(?:#[^\r\n]*)?\r?\n[\s\S]{0,300}?\b(?:data|stringData):[ \t]*(?:#[^\r\n]*)?\r?\n(?:[ \t]*#[^\r\n]*\r?\n)*[ \t]+[\w.\-]+:(?:[ \t]*[|>][-+]?[ \t]*\r?\n)?[ \t]*["']?([A-Za-z0-9+/]{10,}={0,3})["']?[ \t]*(?:#[^\r\n]*)?(?=\r?\n|$)|\b(?:data|stringData):[ \t]*(?:#[^\r\n]*)?\r?\n(?:[ \t]*#[^\r\n]*\r?\n)*[ \t]+[\w.\-]+:(?:[ \t]*[|>][-+]?[ \t]*\r?\n)?[ \t]*["']?([A-Za-z0-9+/]{10,}={0,3})["']?[ \t]*(?:#[^\r\n]*)?\r?\n[\s\S]{0,300}?kind:[ \t]*["']?secret["']?[ \t]*(?:#|\r?\n|$))'''
# Every match holds `kind:`, which is far rarer than `secret` (a keyword in most code).
keywords = ["kind:"]
multiline = true
window = 1024
confidence = "medium"
entropy = 3.0
help = "Keep Secret manifests out of the repository (use sealed or external secrets), and rotate the values they held."
examples = [
  "apiVersion: v1{nl}kind: Secret{nl}metadata:{nl}  name: db{nl}data:{nl}  password: {r:64:24}=={nl}",
  "apiVersion: v1{nl}data:{nl}  token: {r:64:32}{nl}kind: Secret{nl}metadata:{nl}  name: api{nl}",
]
counterexamples = [
  "apiVersion: v1{nl}kind: Secret{nl}data:{nl}  password: \"\"{nl}",
  "apiVersion: v1{nl}kind: ConfigMap{nl}data:{nl}  config: {r:64:24}{nl}",
  "apiVersion: v1{nl}kind: Secret{nl}data:{nl}  password: {{ .Values.password | b64enc }}{nl}",
]

[[rules]]
id = "jenkins-encrypted-secret"
description = "Jenkins credential, encrypted with the controller's key (decryptable by anyone holding its master.key)"
regex = '''<(secret|password|apiToken|privateKey|passphrase|token)>[ \t\r\n]*\{(?:[A-Za-z0-9_.\-]{1,64}[ \t]+)?(AQAAABAAA[^}<]{16,})\}[ \t\r\n]*</\1>'''
keywords = ["aqaaabaaa"]
secretGroup = 2
multiline = true
window = 2048
confidence = "high"
entropy = 3.5
help = "Delete the credential in Jenkins and create a new one; keep credentials.xml and job configs with secrets out of the repository."
examples = ["<com.cloudbees.plugins.credentials.impl.StringCredentialsImpl>{nl}  <id>deploy</id>{nl}  <secret>{AQAAABAAAAAQ{r:64:60}=}</secret>{nl}</com.cloudbees.plugins.credentials.impl.StringCredentialsImpl>", "<secret>{deploy AQAAABAAAAAQ{r:64:60}=}</secret>"]
counterexamples = ["<secret>{AQAAABAAAAAQ}</secret>", "<description>{AQAAABAAAAAQ{r:64:60}=}</description>"]

[[rules]]
id = "docker-config-auth"
description = "Registry credentials in a Docker config (auths, base64 of user:password)"
regex = '''(?:\\*)"auths(?:\\*)"[ \t]*:[ \t]*\{[\s\S]{0,300}?(?:\\*)"auth(?:\\*)"[ \t]*:[ \t]*(?:\\*)"([A-Za-z0-9+/]{8,}={0,2})(?:\\*)"'''
keywords = ["auths"]
multiline = true
window = 1024
confidence = "high"
entropy = 3.0
help = "Log out of the registry (docker logout) and rotate the password; use a credential helper instead of config.json auths."
examples = ["{\"auths\": {\"registry.example.invalid\": {\"auth\": \"{r:64:40}\"}}}", "DOCKER_AUTH_CONFIG={\\\"auths\\\":{\\\"registry.example.invalid\\\":{\\\"auth\\\":\\\"{r:64:40}\\\"}}}"]
counterexamples = ["{\"auths\": {\"registry.example.invalid\": {}}, \"credsStore\": \"desktop\"}"]

[[rules]]
id = "pkcs12-file"
description = "PKCS#12 key store (.p12, .pfx): a private key with its certificate"
path = '''(?i)(?:^|/)[^/]+\.(?:p12|pfx)$'''
confidence = "medium"
help = "Take the key store out of the repository, revoke its certificate and issue a new key."
examples = ["certs/signing.p12", "deploy/server.PFX"]
counterexamples = ["docs/p12.md", "certs/ca.pem"]

# ---------------------------------------------------------------- Cloud services (Azure, IBM)

[[rules]]
id = "azure-sas-token"
description = "Azure shared access signature (sig= in a SAS URL or token)"
regex = '''(?i)(?:[?&;]|\b)(?:sv|sp|se|st|spr|sr|ss|srt|sip|skoid)=[^\s"'&;]{1,64}(?:[&;](?:amp;)?(?:sv|sp|se|st|spr|sr|ss|srt|sip|skoid|sktid|skt|ske|sks|skv)=[^\s"'&;]{1,64}){1,12}[&;](?:amp;)?sig=([A-Za-z0-9%+/]{40,100}(?:%3D|=){0,2})(?![A-Za-z0-9%+/=])'''
keywords = ["sig="]
window = 1024
confidence = "high"
entropy = 3.5
help = "Revoke the SAS (rotate the account key it was signed with, or delete its stored access policy) and issue short-lived ones at run time."
examples = ["https://acct.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2030-01-01T00:00:00Z&st=2024-01-01T00:00:00Z&spr=https&sig={r:62:43}%3D"]
counterexamples = ["https://acct.blob.core.windows.net/c?sv=2022-11-02&sp=rl&sig=<signature>"]

[[rules]]
id = "azure-entra-refresh-token"
description = "Microsoft Entra ID (Azure AD) refresh token"
regex = '''(?<![A-Za-z0-9_\-.])([01]\.A[A-Za-z0-9_\-]{40,}\.Ag[A-Za-z0-9_\-]{100,}(?:\.[A-Za-z0-9_\-]{20,})*)(?![A-Za-z0-9_\-])'''
keywords = [".ag"]
window = 8192
confidence = "high"
entropy = 4.0
examples = ["\"refresh_token\": \"1.A{r:u:60}.Ag{r:u:300}\""]
counterexamples = ["\"refresh_token\": \"1.A{r:u:10}.Ag{r:u:30}\""]

[[rules]]
id = "azure-openai-api-key"
description = "Azure OpenAI API key"
regex = '''(?i)(?:azure[_.\-]?openai|openai\.azure\.com|AZURE_OPENAI)[\s\S]{0,80}?(?<![A-Za-z0-9])([a-f0-9]{32})(?![A-Za-z0-9])'''
keywords = ["azure_openai", "azure-openai", "azureopenai", "openai.azure.com"]
multiline = true
window = 512
allowHex = true
entropy = 3.0
examples = ["AZURE_OPENAI_API_KEY={r:h:32}", "endpoint = \"https://acme.openai.azure.com/\"{nl}api_key = \"{r:h:32}\""]
counterexamples = ["AZURE_OPENAI_DEPLOYMENT=gpt-4o"]

[[rules]]
id = "ibm-cloud-api-key"
description = "IBM Cloud IAM API key"
regex = '''(?i)(?:ibm|bluemix)[\w.\-]{0,20}(?:api|iam|cloud|key|pwd|password|pass|token)[\w.\-]{0,20}["'\]]{0,2}[ \t]{0,4}(?::=|=>|=|:)?[ \t]{0,4}["']?(?<![A-Za-z0-9_\-])([A-Za-z0-9_\-]{44})(?![A-Za-z0-9_\-])'''
keywords = ["ibm", "bluemix"]
window = 256
entropy = 3.5
examples = ["IBM_CLOUD_API_KEY={r:u:44}", "ibm-iam-key: \"{r:u:44}\""]
counterexamples = ["IBM_CLOUD_API_KEY={r:u:30}"]

[[rules]]
id = "ibm-cos-hmac-secret"
description = "IBM Cloud Object Storage HMAC secret access key"
regex = '''(?i)(?:secret[_.\-]?access[_.\-]?key|cos[_.\-]?hmac|hmac[_.\-]?secret)[\w.\-]{0,20}["'\]]{0,2}[ \t]{0,4}(?::=|=>|=|:)?[ \t]{0,4}["']?(?<![A-Za-z0-9])([a-f0-9]{48})(?![A-Za-z0-9])'''
keywords = ["secret_access_key", "secret-access-key", "secretaccesskey", "cos_hmac", "cos-hmac", "hmac_secret", "hmac-secret"]
window = 256
allowHex = true
entropy = 3.0
examples = ["cos_hmac_keys.secret_access_key: {r:h:48}", "SECRET_ACCESS_KEY = \"{r:h:48}\""]
counterexamples = ["SECRET_ACCESS_KEY = \"{r:h:40}\""]

[[rules]]
id = "softlayer-api-key"
description = "IBM SoftLayer API key"
regex = '''(?i)(?:softlayer|\bsl)[\w.\-]{0,20}(?:api|key|pwd|password|pass|token)[\w.\-]{0,20}["'\]]{0,2}[ \t]{0,4}(?::=|=>|=|:|[ \t])[ \t]{0,4}["']?(?<![A-Za-z0-9])([a-z0-9]{64})(?![A-Za-z0-9])|(?i)api\.softlayer\.com/(?:soap|rest)/v3(?:\.1)?/([a-z0-9]{64})(?![A-Za-z0-9])'''
keywords = ["softlayer", "sl_", "sl-", "sl."]
window = 256
allowHex = true
entropy = 3.0
examples = ["SOFTLAYER_API_KEY={r:a9:64}", "--softlayer-api-key {r:a9:64}", "https://api.softlayer.com/soap/v3/{r:a9:64}"]
counterexamples = ["SOFTLAYER_API_KEY={r:a9:40}"]

[[rules]]
id = "cloudant-credentials"
description = "IBM Cloudant password or API key"
regex = '''(?i)(?:cloudant|cl)[\w.\-]{0,20}(?:api|key|pwd|password|pass|token|secret)[\w.\-]{0,20}["'\]]{0,2}[ \t]{0,4}(?::=|=>|=|:)[ \t]{0,4}["']?(?<![A-Za-z0-9])([a-f0-9]{64}|[a-z]{24})(?![A-Za-z0-9])|(?i)https?://[\w\-]+:([0-9a-f]{64}|[a-z]{24})@[\w\-]+\.cloudant\.com'''
keywords = ["cloudant", "cl_", "cl-", "cl."]
window = 256
allowHex = true
entropy = 2.5
examples = ["cloudant_password = \"{r:h:64}\"", "https://acct:{r:h:64}@acct.cloudant.com"]
counterexamples = ["cloudant_password = \"{r:h:20}\""]

[[rules]]
id = "tableau-personal-access-token"
description = "Tableau personal access token secret"
regex = '''(?<![A-Za-z0-9+/])([A-Za-z0-9+/]{22}==:[A-Za-z0-9]{32})(?![A-Za-z0-9+/=:])'''
keywords = ["==:"]
confidence = "high"
entropy = 3.5
examples = ["TABLEAU_PAT_SECRET={r:62:22}==:{r:62:32}"]
counterexamples = ["TABLEAU_PAT_SECRET={r:62:22}==:{r:62:10}"]

# ---------------------------------------------------------------- Credentials in URLs

[[rules]]
id = "url-password"
description = "Password embedded in a URL"
regex = '''(?<![A-Za-z0-9+.\-])[A-Za-z][A-Za-z0-9+.\-]{1,20}://[^\s:/@"'<>`]{0,64}:([^\s:/@"'<>`]{3,128})@[A-Za-z0-9][A-Za-z0-9.\-]*'''
keywords = ["://"]
confidence = "medium"
entropy = 2.5
filters = ["assignment"]
help = "Change the password, then take it out of the URL: pass it through the environment or a secret store."
examples = [
  "DATABASE_URL=postgres://svc_app:{r:62:16}@db.internal:5432/app",
  "<connection>mongodb+srv://reader:{r:62:20}@cluster0.example.invalid/test</connection>",
  "redis.from_url('redis://:{r:62:24}@cache:6379/0')",
]
counterexamples = [
  "DATABASE_URL=postgres://user:password@localhost:5432/app",
  "DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app",
  "amqp://guest:guest@localhost:5672/",
  "https://user:<password>@example.com/",
  "see https://example.com/path@v2",
]
[[rules.allowlists]]
description = "placeholder passwords in documentation"
# Marker words anywhere; filler words only when the password is made of them (`test`, `testpass`, but not
# `test` followed by a random password).
stopwords = ["example", "dummy", "****"]
placeholders = ["password", "passwd", "pass", "secret", "guest", "user", "username", "changeme", "test"]

# ---------------------------------------------------------------- Generic (lowest confidence)

[[rules]]
id = "bearer-token"
description = "Bearer or token credential in an Authorization header"
regex = '''(?i)(?:(?<![A-Za-z0-9_])bearer|authorization["']?[ \t]*[:=][ \t]*["']?token)[ \t]+([A-Za-z0-9._~+/=\-!@#$%^*]{16,}+)(?![A-Za-z0-9._~+/=\-!@#$%^*])'''
keywords = ["bearer", "authorization"]
confidence = "medium"
entropy = 3.0
filters = ["assignment"]
help = "Revoke the token, and pass it at run time (environment or secret store) instead of writing it in the code."
examples = [
  "headers = {'Authorization': 'Bearer {r:62:30}'}",
  "curl -H \"Authorization: token {r:62:12}!{r:62:8}\" https://api.example.invalid/",
]
counterexamples = [
  "curl -H \"Authorization: Bearer $TOKEN\" https://api.example.invalid/",
  "headers = {'Authorization': f'Bearer {token}'}",
  "Authorization: Bearer <token>",
  "// the bearer token is refreshed every hour by the client",
]

[[rules]]
id = "generic-secret"
description = "Secret-looking value assigned to a password, secret, token or key"
# A name holding a keyword, then one of the ways code and configs pair a name with a value ({{pair}}),
# then the value; or a quoted value compared with such a name ("v" == password).
regex = '''(?i)(?|(?:{{strong-names}}){{name-rest}}{{pair}}{{value}}|{{compared-value}}[ \t]*[!=]==?[ \t]*[a-z0-9_.\-]{0,30}?(?:{{strong-names}}))'''
keywords = ["password", "passwd", "passphrase", "pwd", "pass", "secret", "token", "api_key", "api-key", "apikey", "api.key", "access_key", "access-key", "accesskey", "access.key", "private_key", "private-key", "privatekey", "private.key", "auth_key", "auth-key", "auth.key", "authkey", "credential", "creds", "contrase", "?key=", "&key="]
multiline = true
window = 320
# A match starts at its keyword, or after a compared value of 64 characters at most ("v" == password).
windowBefore = 128
# Every name the regex begins with is a keyword, or holds one 6 or 7 bytes in (client_secret), or starts a
# byte after one (?key=); a compared value starts at its quote. The regex is tried at those places only.
startsBefore = 7
startsAfter = 1
startsAt = "\"'"
confidence = "low"
entropy = 3.0
allowHex = true
allowUUID = true
filters = ["assignment", "password-or-token"]
aliases = ["generic-api-key"]
help = "Move the value to the environment or a secret manager and rotate it; if it is not a secret, add 'gate:allow' on the line."
examples = [
  # trufflehog pkg/detectors/lexigram/lexigram_test.go TestLexigram_Pattern: a 301-character token
  "lexigram token = '{r:62:301}'",
  # trufflehog pkg/detectors/pandascore/pandascore_test.go TestPandaScore_Pattern "valid pattern - with keyword
  # pandascore": a space of padding inside the quotes.
  "pandascore token = ' {r:62:51} '",
  "api_token: \"{r:62:24}{r:9:4} \"",
  "DB_PASSWORD={r:62:8}#{r:62:8}",
  "password: \"{r:62:10}!{r:62:6}\"",
  "<password>{r:62:12}${r:62:4}</password>",
  "{\"client_secret\": \"{r:62:24}\"}",
  "api_key = '{r:62:32}'",
  "settings['db_password'] = '{r:62:10}#{r:62:6}'",
  "os.Setenv(\"DB_PASSWORD\", \"{r:62:10}%{r:62:6}\")",
  "<add key=\"api_secret\" value=\"{r:62:10}~{r:62:6}\" />",
  "setToken('{r:62:12}{r:62:4}')",
  "fetch(`https://api.example.invalid/v1?key={r:62:16}&limit=10`)",
  "env:{nl}  - name: SMTP_PASSWORD{nl}    value: {r:62:12}={r:62:6}",
  "password: \"${r:62:10}^{r:62:6}\"",
  # The code forms of gitleaks' sample contexts: a Makefile's ::=, :::=, ?= and +=, PHP's .=, a typed Go
  # variable, an XML element whose value sits on its own line, JSON with an escaped line break.
  "SERVICE_TOKEN ::= \"{r:62:32}\"",
  "SERVICE_TOKEN :::= \"{r:62:32}\"",
  "SERVICE_TOKEN ?= \"{r:62:32}\"",
  "SERVICE_TOKEN += \"{r:62:32}\"",
  "$serviceToken .= \"{r:62:32}\"",
  "var serviceToken string = \"{r:62:32}\"",
  "val serviceToken: String = \"{r:62:32}\"",
  "<serviceToken>{nl}    {r:62:32}{nl}</serviceToken>",
  "{\"config.ini\": \"SERVICE_TOKEN={r:62:32}\\nBACKUP_ENABLED=true\"}",
  "System.setProperty(\"SERVICE_TOKEN\", \"{r:62:32}\")",
  "  \"serviceToken\" => \"{r:62:32}\"",
  # detect-secrets' keyword forms for C, C++, Go and config files.
  "if (db_pass != \"{r:62:10}){r:62:6}\")",
  "if (\"{r:62:10}!{r:62:6}\" == my_password) {",
  "password \"{r:62:10}#{r:62:6}\";",
  "char secret[25] = \"{r:62:8}%{r:62:4}!{r:62:4}#\";",
  "secret[] = \"{r:62:8}({r:62:4}){r:62:4}$\";",
  "password = @\"{r:62:12}!{r:62:6}\";",
  "secret.assign(\"{r:62:8}!{r:62:4}@{r:62:4}>\",17);",
  "std::string secret(\"{r:62:8}{{r:62:4}]{r:62:4}#\");",
  "db_pass := {r:62:12}#{r:62:6}",
  "service token - '{r:62:32}'",
  "api_token = \"{r:h:40}\"",
  "utils.GetEnvOrDefault(\"api_token\", \"{r:h:8}-{r:h:4}-4{r:h:3}-{r:h:4}-{r:h:12}\")",
  "service_token: {r:h:8}-{r:h:4}-4{r:h:3}-{r:h:4}-{r:h:12}",
  "client_secret: {r:h:32}",
  "{\\\"password\\\": \\\"{r:62:12}!{r:62:6}\\\"}",
]
counterexamples = [
  "password = os.environ[\"PASSWORD\"]",
  "password: ${DB_PASSWORD}",
  "secret: {{ .Values.secret }}",
  "api_key = \"<your-api-key>\"",
  "password = \"changeme\"",
  "password = \"xxxxxxxxxxxx\"",
  "token_url = \"https://auth.example.invalid/oauth/token\"",
  "password_length: 16",
  "token: null",
  "secret_name = my-app-secret-name",
  "password = get_password_from_vault()",
  "passwordField.setText(userInput)",
  "token = self.settings.access_token",
  "api_key = \"{r:h:10}\"",
  "commit_sha = \"{r:h:40}\"",
  "auth_token = \"{r:h:8}-{r:h:4}-11ec-{r:h:4}-{r:h:12}\"",
  "header_token(\"Authorization\")",
  "os.Setenv(\"DB_PASSWORD\", password)",
  "env:{nl}  - name: PASSWORD_POLICY{nl}    value: strict-mode-v2",
  "password:{nl}  next_setting: Enabled1",
  "notes = [\"see docs/secrets.md\", \"key = cache_key(user, region)\"]",
  "files = [\"pkg/secret.py\": \"import pkg.alpha\\n\"]",
  "for bad in [\"sha256:../../etc/passwd\", \"sha256/abc2\"]",
  "TokenCauses.address(\"0x7ffd5a3c1e20\", \"0x7ffc11aa0f48\")",
  # The issue's precision counterexamples.
  "password = base64.b64encode(random_bytes[8:])",
  "csrf-token={r:64:86}==",
  "publicToken = \"{r:62:43}\"",
  "fn::secret: ops_eyJ{r:62:12}..[Redacted]",
  "telegram_api_token = \"<xsd:element name=\"AgencyIdentificationCode\" type=\"clm{r:9:5}:AgencyIdentificationCodeContentType\"/>\"",
  "telegram_api_token = \"token:\"clm{r:9:5}:AgencyIdentificationCodeContentType\"\"",
  "keyVaultToStoreSecrets: cmp2-qat-{r:9:10}",
  "notes = \"Maven - io.jsonwebtoken:jjwt-jackson-0.11.2\"",
  "<input type=\"hidden\" name=\"authenticity_token\" value=\"{r:u:86}\"",
  "password = \"somefakekey\"",
  "some_key = \"real_secret\"",
  "private_key \"hopenobodyfindsthisone';",
  "password: real_key",
  "api_token = \"{r:62:12}?{r:62:12}\"",
  # A bare `key` in a URL query is a token only when the value has a token's shape.
  "GET /api/v1/items?key=recent-orders-2024&limit=10",
  "https://cdn.example.invalid/img?key=thumbnails_large_v2&w=64",
]
[[rules.allowlists]]
description = "names that hold metadata about a secret rather than the secret"
regexTarget = "name"
regexes = ['''(?i)^[a-z0-9_.\-]*?(?:url|uri|endpoint|path|file|dir|name|type|length|len|size|policy|field|header|prefix|format|env|version|id|count|ttl|expiry|expires|timeout|hint|label|placeholder|regex|pattern|validator|required|hash|sha|digest|checksum|commit|rev|etag|fingerprint|secrets|tokens|keys|passwords)[0-9]{0,3}(?![a-z0-9_.\-])''', '''(?i)^(?:csrf|xsrf|public|authenticity|anti[_.\-]?forgery|verification|registration|page|pagination|next|cancel|cancellation|continuation|request|correlation|idempotency|form)[_.\-]?(?:token|key|secret)''']
[[rules.allowlists]]
description = "placeholder and sample values"
# Words that mark prose, templates and samples wherever they stand; `test` only when the value is made of
# it (`test`, `test123`), since `test` followed by a random password is a password.
stopwords = ["example", "sample", "dummy", "placeholder", "changeme", "change_me", "change-me", "redacted", "replace", "your", "todo", "fixme", "secret", "password", "passwd", "token", "fake"]
placeholders = ["test"]

[[rules]]
id = "config-named-key"
description = "Token-shaped value of a configuration entry whose name ends in _key"
# A YAML-style entry on its own line (`currencylayer_key: "..."`, `- stripe-key: '...'`): a name of words
# joined by _ . or - ending in `key`, then a quoted value of 16 characters or more. On trufflehog's detector
# tests this form found 26 more positive files and no negative one; the same names with `=`, `:=` or in
# log lines (`Using Key=...`) flagged as many negatives as positives, so they are left to the service rules.
# It runs after generic-secret, which keeps the findings both rules make (api_key, access_key...).
regex = '''(?m)^[ \t]*(?:- )?((?:[A-Za-z0-9]+[_.\-])+(?i:key))[ \t]*:[ \t]*(?|"([^"\s]{16,200})"|'([^'\s]{16,200})')[ \t]*(?:#[^\r\n]*)?$'''
secretGroup = 2
keywords = ["key"]
window = 256
windowBefore = 128
confidence = "low"
entropy = 3.5
filters = ["assignment", "password-or-token"]
help = "Move the value to the environment or a secret manager and rotate it; if it is not a secret, add 'gate:allow' on the line."
examples = [
  "api:{nl}  auth_type: \"API-Key\"{nl}  currencylayer_key: \"{r:a9:32}\"{nl}",
  "services:{nl}  - stripe-key: '{r:62:32}'",
  "companyhub_key: \"{r:62:20}\"  # rotate every 90 days",
  "weather-service.KEY: \"{r:62:24}\"",
]
counterexamples = [
  "  public_key: \"{r:64:44}\"",
  "  cache_key: \"{r:62:24}\"",
  "  sort_key: \"created_at_descending_order\"",
  "  translation_key: \"checkout.payment.title.long\"",
  "monkey: \"{r:62:24}\"",
  "  api_key: \"{r:62:12}\"",
  "  signing_key: \"${SIGNING_KEY_FROM_ENVIRONMENT}\"",
  "  \"stripe_key\": \"{r:62:32}\",",
]
[[rules.allowlists]]
description = "names of keys that are not credentials"
regexTarget = "match"
regexes = ['''(?i)^[ \t]*(?:- )?(?:[a-z0-9_.\-]*[_.\-])?(?:public|publishable|pub|primary|foreign|sort|sorting|partition|cache|idempotency|row|hash|range|lookup|object|s3|redis|translation|i18n|index|unique|composite|site|map|dict|group|routing|message|event|query|search)[_.\-]?key''']
[[rules.allowlists]]
description = "placeholder and sample values"
stopwords = ["example", "sample", "dummy", "placeholder", "changeme", "change_me", "change-me", "redacted", "replace", "your", "todo", "fixme", "fake"]
placeholders = ["test"]
"""##
}
