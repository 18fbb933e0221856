#!/usr/bin/env bash
# Browser test of `remsim report` (issue 6): a real 1000-trial baseline batch, its report
# opened in headless Chromium (Debian's `chromium`, installed here if missing), and three
# checks on what the browser did with it:
#
#   1. console: Chromium logs every console message and uncaught error of the page to
#      stderr (`--enable-logging=stderr`, lines with `:CONSOLE`); the report has no script,
#      so there must be none. The detector is first proven on a page with a deliberate
#      console.error and a thrown exception, so a Chromium that stops logging fails the
#      test instead of passing it silently.
#   2. every chart rendered: a copy of the page with a probe script appended is loaded
#      with `--dump-dom`; the probe measures each <svg class="chart"> after layout (at
#      least 200×100 px, at least 5 drawn shapes and 3 labels) and checks that the page
#      references nothing outside itself (no src, no external href). The number of charts
#      must equal the page's own count (<meta name="remsim-chart-count">) and the number
#      of plots/*.svg and plots/*.png files.
#   3. screenshot: the top of the page at 1280×2400 must not be blank (a blank page of
#      that size is ~12 KB as PNG). Kept as target/browser-test/report.png.
#
# With --update-docs it also writes docs/dy-price-fan.png: Chromium's screenshot of the Dy
# price fan charts (China and rest of world) from the report's own SVG files, and
# docs/report-summary.png: the report's executive summary section.
#
# Environment: REMSIM_BROWSER_TRIALS (default 1000), REMSIM_BROWSER_SEED (default 1),
# REMSIM_BIN (a remsim to use instead of building target/release/remsim).
set -euo pipefail
cd "$(dirname "$0")/.."

update_docs=false
[[ "${1:-}" == "--update-docs" ]] && update_docs=true
trials="${REMSIM_BROWSER_TRIALS:-1000}"
seed="${REMSIM_BROWSER_SEED:-1}"
keep=target/browser-test
mkdir -p "$keep"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() {
    echo "browser test FAILED: $*" >&2
    exit 1
}

if ! command -v chromium >/dev/null 2>&1; then
    echo "== installing Debian's chromium"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
fi
command -v chromium >/dev/null 2>&1 || fail "chromium is not installed and could not be installed"
echo "== $(chromium --version 2>/dev/null | head -n 1)"

# One fresh profile per launch; no network, no background traffic.
chrome() {
    local profile
    profile="$(mktemp -d -p "$work" profile.XXXXXX)"
    timeout 180 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$profile" "$@"
}

echo "== building remsim"
# $REMSIM_BIN: a remsim already built (.ci/run passes the workspace tests' own), instead
# of building one here.
remsim="${REMSIM_BIN:-}"
if [[ -z "$remsim" ]]; then
    cargo build --release --quiet
    remsim=target/release/remsim
fi

echo "== remsim run: $trials trials of the baseline, seed $seed"
results="$work/results"
"$remsim" run --trials "$trials" --seed "$seed" --out "$results" --force --quiet
echo "== remsim report"
"$remsim" report "$results"
page="$results/report.html"
[[ -s "$page" ]] || fail "$page is missing or empty"

# 1. The console detector must see errors on a page that has them ...
cat >"$work/bad.html" <<'EOF'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>bad</title></head>
<body><p>deliberate errors</p>
<script>console.error("remsim-probe: deliberate error"); notDefinedAnywhere();</script>
</body></html>
EOF
chrome --enable-logging=stderr --v=0 --dump-dom "file://$work/bad.html" \
    >/dev/null 2>"$work/bad.log" || true
bad_lines=$(grep -c ':CONSOLE' "$work/bad.log" || true)
[[ "$bad_lines" -ge 2 ]] ||
    fail "the console detector saw $bad_lines messages on a page with 2 deliberate errors; Chromium's logging changed"

# ... and none on the report.
chrome --enable-logging=stderr --v=0 --dump-dom "file://$page" >"$work/dom.html" 2>"$work/report.log" ||
    fail "chromium could not load the report (see its log above)"
if grep ':CONSOLE' "$work/report.log"; then
    fail "the report logged console messages (above)"
fi
echo "   console: no messages (the detector caught $bad_lines on the deliberately broken page)"

# 2. Every chart present, laid out and drawn.
probe="$results/probe.html"
cat >"$work/probe.js" <<'EOF'
<script>
(function () {
  var charts = Array.prototype.slice.call(document.querySelectorAll("svg.chart"));
  var empty = charts.filter(function (svg) {
    var r = svg.getBoundingClientRect();
    var shapes = svg.querySelectorAll("polygon,polyline,path,rect,line,circle").length;
    var labels = svg.querySelectorAll("text").length;
    return !(r.width >= 200 && r.height >= 100 && shapes >= 5 && labels >= 3);
  }).map(function (svg) { return svg.id; });
  var outside = Array.prototype.slice.call(document.querySelectorAll("[src],[href]")).filter(function (e) {
    var v = e.getAttribute("src") || e.getAttribute("href") || "";
    return v.charAt(0) !== "#" && v.indexOf("data:") !== 0;
  }).length;
  var meta = document.querySelector("meta[name=remsim-chart-count]");
  document.body.setAttribute("data-probe", "charts=" + charts.length + " declared=" +
    (meta ? meta.content : "none") + " outside=" + outside + " empty=" + empty.join(","));
})();
</script>
EOF
# The page ends with </body> and </html> on lines of their own (the config above them is
# escaped, so neither can occur earlier): put the probe in front of them.
grep -q '^</body>$' "$page" || fail "the page has no </body> line"
sed '/^<\/body>$/d; /^<\/html>$/d' "$page" >"$probe"
cat "$work/probe.js" >>"$probe"
printf '</body>\n</html>\n' >>"$probe"
chrome --dump-dom "file://$probe" >"$work/probe-dom.html" 2>/dev/null || fail "chromium could not load the probe page"
result=$(grep -o 'data-probe="[^"]*"' "$work/probe-dom.html" | head -n 1 | sed 's/^data-probe="//; s/"$//' || true)
[[ -n "$result" ]] || fail "the probe did not run (no data-probe attribute in the DOM)"
echo "   probe: $result"
charts=$(sed -n 's/.*charts=\([0-9]*\).*/\1/p' <<<"$result")
declared=$(sed -n 's/.*declared=\([0-9]*\).*/\1/p' <<<"$result")
outside=$(sed -n 's/.*outside=\([0-9]*\).*/\1/p' <<<"$result")
empty=$(sed -n 's/.*empty=\(.*\)$/\1/p' <<<"$result")
svgs=$(find "$results/plots" -name '*.svg' -size +1k | wc -l)
pngs=$(find "$results/plots" -name '*.png' -size +1k | wc -l)
[[ "$charts" -ge 20 ]] || fail "only $charts charts in the page"
[[ "$charts" == "$declared" ]] || fail "$charts charts rendered, the page declares $declared"
[[ "$charts" == "$svgs" && "$charts" == "$pngs" ]] ||
    fail "$charts charts in the page, $svgs SVG and $pngs PNG files in plots/"
[[ "$outside" == "0" ]] || fail "the page references $outside resources outside itself"
[[ -z "$empty" ]] || fail "charts empty or not laid out: $empty"

# 3. A screenshot that is not blank.
shot="$work/report.png"
chrome --hide-scrollbars --window-size=1280,2400 --screenshot="$shot" "file://$page" \
    >/dev/null 2>&1 || fail "chromium could not take a screenshot"
size=$(stat -c %s "$shot" 2>/dev/null || echo 0)
[[ "$size" -gt 60000 ]] || fail "the screenshot is blank or nearly so ($size bytes)"
cp "$shot" "$keep/report.png"
cp "$page" "$keep/report.html"
echo "   screenshot: $size bytes, kept as $keep/report.png"

if $update_docs; then
    figure="$results/dy-figure.html"
    {
        echo '<!DOCTYPE html><html><head><meta charset="utf-8"><style>'
        echo 'body{margin:0;padding:12px;background:#fff} div{display:flex;gap:16px}'
        echo 'svg{display:block;flex:none}</style></head><body><div>'
        cat "$results/plots/price-dy-cn.svg" "$results/plots/price-dy-row.svg"
        echo '</div></body></html>'
    } >"$figure"
    # Twice the pixels, so the picture stays sharp on the README's page.
    chrome --hide-scrollbars --force-device-scale-factor=2 --window-size=1160,364 \
        --screenshot="$work/dy.png" "file://$figure" >/dev/null 2>&1 ||
        fail "chromium could not take the Dy screenshot"
    cp "$work/dy.png" docs/dy-price-fan.png
    echo "   wrote docs/dy-price-fan.png"

    # The executive summary as the report shows it: the page with every other part of
    # <main> removed (a script in this copy only; the report itself has none).
    brief="$results/summary-figure.html"
    sed '/^<\/body>$/d; /^<\/html>$/d' "$page" >"$brief"
    cat >>"$brief" <<'EOF'
<script>
Array.prototype.slice.call(document.querySelectorAll("main > *")).forEach(function (e) {
  if (e.id !== "summary" && e.tagName !== "H1") { e.remove(); }
});
</script>
</body>
</html>
EOF
    chrome --hide-scrollbars --force-device-scale-factor=2 --window-size=1000,560 \
        --screenshot="$work/summary.png" "file://$brief" >/dev/null 2>&1 ||
        fail "chromium could not take the summary screenshot"
    cp "$work/summary.png" docs/report-summary.png
    echo "   wrote docs/report-summary.png"
fi

echo "browser test passed: $charts charts rendered, no console messages, nothing loaded from outside"
