/// The HTML report's inline style sheet and script. The page needs neither to be read; the script only
/// adds a text search and a check picker to the findings table.
enum HTMLAssets {
    static let css = """
        :root {
          --bg: #f6f7f9; --card: #ffffff; --ink: #1f2328; --muted: #656d76; --line: #d8dee4;
          --passed: #1a7f37; --failed: #cf222e; --error: #8250df; --timed: #bc4c00; --skipped: #6e7781;
          --waived: #9a6700; --pending: #0969da; --advisory: #bf8700;
          --passed-bg: #dafbe1; --failed-bg: #ffebe9; --error-bg: #fbefff; --timed-bg: #fff1e5;
          --skipped-bg: #eaeef2; --waived-bg: #fff8c5; --pending-bg: #ddf4ff; --advisory-bg: #fff8c5;
        }
        @media (prefers-color-scheme: dark) {
          :root {
            --bg: #0d1117; --card: #161b22; --ink: #e6edf3; --muted: #8d96a0; --line: #30363d;
            --passed-bg: #12261e; --failed-bg: #2d1214; --error-bg: #231a33; --timed-bg: #2b1b0e;
            --skipped-bg: #21262d; --waived-bg: #272115; --pending-bg: #0c2d4b; --advisory-bg: #272115;
          }
        }
        * { box-sizing: border-box; }
        body { margin: 0; background: var(--bg); color: var(--ink);
          font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        code { font: 0.88em ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; }
        a { color: var(--pending); }
        .wrap, main, footer { max-width: 1180px; margin: 0 auto; padding: 0 24px; }
        header.top { background: var(--card); border-bottom: 1px solid var(--line); border-top: 6px solid var(--skipped);
          padding: 18px 0 14px; }
        header.run-passed { border-top-color: var(--passed); }
        header.run-failed { border-top-color: var(--failed); }
        header.run-error { border-top-color: var(--error); }
        header.run-interrupted { border-top-color: var(--timed); }
        .eyebrow { margin: 0; color: var(--muted); text-transform: uppercase; letter-spacing: .08em; font-size: 12px; }
        h1 { margin: 2px 0 4px; font-size: 28px; display: flex; align-items: center; gap: 12px; }
        h2 { font-size: 19px; margin: 0 0 12px; display: flex; align-items: baseline; gap: 10px; }
        .meta, .muted { color: var(--muted); }
        .meta { margin: 0; }
        .alert { background: var(--timed-bg); color: var(--timed); padding: 6px 10px; border-radius: 6px; }
        .badge { font-size: 13px; letter-spacing: .06em; color: #fff; padding: 4px 10px; border-radius: 999px;
          background: var(--skipped); }
        .badge.run-passed { background: var(--passed); }
        .badge.run-failed { background: var(--failed); }
        .badge.run-error { background: var(--error); }
        .badge.run-interrupted { background: var(--timed); }
        main > section { background: var(--card); border: 1px solid var(--line); border-radius: 10px;
          padding: 18px 20px; margin: 18px 0; }
        main > section.tiles { background: none; border: 0; padding: 0; display: grid; gap: 14px;
          grid-template-columns: repeat(auto-fit, minmax(min(220px, 100%), 1fr)); }
        .tile { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; }
        .tile p { margin: 0; }
        .tile .label { color: var(--muted); font-size: 13px; }
        .tile .value { font-size: 30px; font-weight: 650; line-height: 1.2; margin: 2px 0 6px; }
        .count { color: var(--muted); font-weight: 400; font-size: 14px; }
        .pill { display: inline-block; font-size: 12px; font-weight: 600; padding: 1px 9px; border-radius: 999px;
          background: var(--skipped-bg); color: var(--skipped); white-space: nowrap; }
        .s-passed { background: var(--passed-bg); color: var(--passed); fill: var(--passed); }
        .s-failed { background: var(--failed-bg); color: var(--failed); fill: var(--failed); }
        .s-error { background: var(--error-bg); color: var(--error); fill: var(--error); }
        .s-timed-out { background: var(--timed-bg); color: var(--timed); fill: var(--timed); }
        .s-skipped { background: var(--skipped-bg); color: var(--skipped); fill: var(--skipped); }
        .s-waived { background: var(--waived-bg); color: var(--waived); fill: var(--waived); }
        .s-pending { background: var(--pending-bg); color: var(--pending); fill: var(--pending); }
        .s-advisory { background: var(--advisory-bg); color: var(--advisory); fill: var(--advisory); }
        .sev-error { color: var(--failed); }
        .sev-warning { color: var(--advisory); }
        .sev-note { color: var(--pending); }
        .pill.sev-error { background: var(--failed-bg); }
        .pill.sev-warning { background: var(--advisory-bg); }
        .pill.sev-note { background: var(--pending-bg); }
        ul.checklist { list-style: none; margin: 0; padding: 0; }
        ul.checklist li { display: flex; gap: 12px; padding: 10px 4px; border-top: 1px solid var(--line); }
        ul.checklist li:first-child { border-top: 0; }
        .tick { flex: none; width: 22px; height: 22px; border-radius: 6px; border: 2px solid var(--line);
          display: inline-flex; align-items: center; justify-content: center; font-weight: 800; font-size: 14px;
          margin-top: 1px; }
        li.done .tick { background: var(--passed); border-color: var(--passed); color: #fff; }
        li.pending .tick { border-color: var(--pending); border-style: dashed; }
        li.open .tick { border-color: var(--failed); }
        li.advisory .tick { border-color: var(--advisory); }
        li.skipped .tick { border-color: var(--skipped); border-style: dotted; }
        li.advisory .what .detail { color: var(--advisory); }
        .what p { margin: 0; }
        .what .title { font-weight: 600; }
        .what .detail { color: var(--muted); }
        li.pending .what .detail { color: var(--pending); }
        li.open .what .detail { color: var(--failed); }
        .what .note { font-style: italic; }
        .what .hint, .what .evidence { font-size: 13px; color: var(--muted); }
        .kind { font-size: 11px; font-weight: 600; text-transform: uppercase; letter-spacing: .05em; color: var(--pending);
          border: 1px solid currentColor; border-radius: 4px; padding: 0 5px; margin-left: 4px; vertical-align: 2px; }
        .kind.auto { color: var(--muted); }
        .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
        .scroll { overflow-x: auto; }
        table { border-collapse: collapse; width: 100%; }
        th { text-align: left; font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted);
          border-bottom: 2px solid var(--line); padding: 6px 8px; }
        td { border-bottom: 1px solid var(--line); padding: 8px; vertical-align: top; }
        .num { text-align: right; white-space: nowrap; }
        td a.id { font-weight: 600; text-decoration: none; color: var(--ink); }
        .dur { display: block; }
        .bar { display: block; height: 4px; width: 90px; margin-left: auto; background: var(--skipped-bg);
          border-radius: 2px; overflow: hidden; }
        .bar .fill { display: block; height: 4px; }
        td.summary { max-width: 380px; }
        td.message { white-space: pre-wrap; word-break: break-word; }
        td.message p { margin: 4px 0 0; font-size: 13px; white-space: normal; }
        .waiver { color: var(--waived); }
        .help { color: var(--muted); }
        tr.waived td { opacity: .7; }
        .toggle { position: absolute; opacity: 0; pointer-events: none; }
        .filters { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-bottom: 10px; }
        .chip { cursor: pointer; user-select: none; border: 1px solid currentColor; border-radius: 999px;
          padding: 2px 12px; font-size: 13px; font-weight: 600; text-decoration: line-through; opacity: .55; }
        #show-error:checked ~ .filters label[for=show-error], #show-warning:checked ~ .filters label[for=show-warning],
        #show-note:checked ~ .filters label[for=show-note], #show-waived:checked ~ .filters label[for=show-waived] {
          text-decoration: none; opacity: 1; }
        #show-error:not(:checked) ~ .scroll tr.f-error:not(.waived),
        #show-warning:not(:checked) ~ .scroll tr.f-warning:not(.waived),
        #show-note:not(:checked) ~ .scroll tr.f-note:not(.waived),
        #show-waived:not(:checked) ~ .scroll tr.waived, tr.filtered { display: none; }
        .toggle:focus-visible ~ .filters { outline: 2px solid var(--pending); outline-offset: 4px; }
        .filters select, .filters input { font: inherit; font-size: 13px; padding: 3px 8px; border: 1px solid var(--line);
          border-radius: 6px; background: var(--card); color: var(--ink); }
        .filters input { min-width: 220px; }
        .charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(420px, 100%), 1fr)); gap: 18px; }
        figure { margin: 0; }
        figcaption { font-weight: 600; margin-bottom: 6px; }
        svg.chart { width: 100%; height: auto; display: block; }
        svg .grid { stroke: var(--line); stroke-width: 1; }
        svg .axis { fill: var(--muted); font-size: 11px; }
        svg .line { fill: none; stroke: var(--pending); stroke-width: 2; }
        svg .run-passed { fill: var(--passed); }
        svg .run-failed { fill: var(--failed); }
        svg .run-error { fill: var(--error); }
        svg .run-interrupted { fill: var(--timed); }
        svg.spark { display: block; }
        .empty { color: var(--muted); margin: 0; }
        footer { color: var(--muted); font-size: 13px; padding-bottom: 32px; }
        #triage h2.blocking { color: var(--failed); font-size: 22px; }
        #triage h2.blocking.none { color: var(--passed); }
        #triage h3 { font-size: 16px; margin: 14px 0 6px; display: flex; flex-wrap: wrap; align-items: baseline; gap: 8px; }
        #triage h3.advisory { color: var(--advisory); }
        #triage h3.waived { color: var(--waived); }
        #triage h3.notrun { color: var(--skipped); }
        #triage > p { margin: 12px 0 0; }
        ul.triage { list-style: none; margin: 0; padding: 0; }
        ul.triage li { padding: 6px 0 6px 12px; border-left: 4px solid var(--line); margin: 4px 0; overflow-wrap: anywhere; }
        ul.triage.blocking li { border-left-color: var(--failed); }
        ul.triage.advisory li { border-left-color: var(--advisory); }
        ul.triage.waived li { border-left-color: var(--waived); }
        ul.triage li a { font-weight: 600; }
        ul.triage .why { color: var(--muted); }
        tr:target td { background: var(--pending-bg); }
        .alert.partial { background: var(--skipped-bg); color: var(--ink); }
        h2 { flex-wrap: wrap; }
        .what { min-width: 0; overflow-wrap: anywhere; }
        td.summary, td.message { overflow-wrap: anywhere; }
        /* A phone (390 px): long text wraps inside its card, the tables lose the columns a phone does not
           need, and nothing makes the page itself scroll sideways. */
        @media (max-width: 640px) {
          body { font-size: 14px; }
          .wrap, main, footer { padding: 0 10px; }
          main > section { padding: 12px; margin: 12px 0; }
          h1 { font-size: 22px; flex-wrap: wrap; }
          main > section.tiles { grid-template-columns: 1fr 1fr; gap: 8px; }
          .tile { padding: 10px; }
          .tile .value { font-size: 22px; }
          table.checks th:nth-child(3), table.checks td:nth-child(3),
          table.checks th:nth-child(6), table.checks td:nth-child(6),
          table.findings th:nth-child(3), table.findings td:nth-child(3) { display: none; }
          td, th { padding: 6px 4px; }
          /* Each row becomes a small card: status, check, duration and findings on one line, the summary
             (or the finding's message) below at full width. */
          table.checks thead, table.findings thead { display: none; }
          table.checks tr, table.findings tr { display: grid; gap: 2px 8px; padding: 6px 0;
            border-bottom: 1px solid var(--line); }
          table.checks tr { grid-template-columns: auto 1fr auto auto; }
          table.findings tr { grid-template-columns: auto 1fr; }
          table.checks td, table.findings td { border: 0; padding: 2px 0; }
          table.checks td.summary, table.findings td.message { grid-column: 1 / -1; }
          table.findings td:nth-child(4) { grid-column: 1 / -1; overflow-wrap: anywhere; }
          table.findings tr.filtered { display: none; }
          .bar { width: 48px; }
          td.summary { max-width: none; }
          .filters input { min-width: 0; flex: 1 1 100%; }
          .charts { grid-template-columns: 1fr; }
        }

        """

    /// Progressive enhancement: show the search box and the check picker, and hide rows that do not match.
    static let script = """
        (function () {
          var find = document.getElementById("find");
          var pick = document.getElementById("check-filter");
          if (!find || !pick) { return; }
          find.hidden = false;
          pick.hidden = false;
          var rows = Array.prototype.slice.call(document.querySelectorAll("table.findings tbody tr"));
          function apply() {
            var text = find.value.toLowerCase();
            var check = pick.value;
            rows.forEach(function (row) {
              var ok = (check === "" || row.getAttribute("data-check") === check) &&
                (text === "" || row.textContent.toLowerCase().indexOf(text) !== -1);
              row.classList.toggle("filtered", !ok);
            });
          }
          find.addEventListener("input", apply);
          pick.addEventListener("change", apply);
        })();

        """
}
