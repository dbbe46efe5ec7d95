#!/usr/bin/env bash
# `repo validate` gives tuf-js's verdict on a corpus of repositories another producer made
# (tests/tools/tuf_corpus.mjs, with @tufjs/models): good ones, and broken ones with one defect each
# (signatures, thresholds, expiry, rollback against a trusted state, versions, lengths, sha256 and
# sha512, md5 alone, delegated roles, terminating delegations, hash bins, root rotation, plain and
# consistent layouts). osbuild reads each with file:// URLs, tuf-js over HTTP on 127.0.0.1,
# downloading every target (delegated ones with --also). Prints a table; fails on any
# disagreement, on a verdict other than the corpus's, or on fewer than 25 bad or 8 good.
source "$OSBUILD_TESTS/tools/repo_lib.bash"
need_tuf_js
repo_project
CORPUS=$TEST_TMP/corpus
summary=$(node "$OSBUILD_TESTS/tools/tuf_corpus.mjs" --modules "$TUF_JS_DIR/node_modules" --out "$CORPUS" 2>&1) ||
  { fail "tuf_corpus.mjs: $summary"; finish; }
serve "$CORPUS"
# One repository name per corpus entry, so that each keeps its own trusted versions.
python3 -c 'import json, sys; print("".join("\n[repo.%s]\n" % e["name"] for e in json.load(open(sys.argv[1]))))' \
  "$CORPUS/index.json" >>Infra.toml

# tuf_js_verdict NAME DIR ALSO...: tuf-js (client state kept per NAME) on $CORPUS/DIR; the
# verdict in $verdict, its output in $tuf_out.
tuf_js_verdict() {
  local name=$1 dir=$2 also=() a
  shift 2
  for a in "$@"; do also+=(--also "$a"); done
  mkdir -p "$TEST_TMP/clients/$name"
  tuf_out=$(timeout 60 node "$OSBUILD_TESTS/tools/tuf_client.mjs" --modules "$TUF_JS_DIR/node_modules" \
    --root "$CORPUS/$name/root.json" --dir "$TEST_TMP/clients/$name" \
    --metadata "http://127.0.0.1:$PORT/$dir/metadata/" --targets "http://127.0.0.1:$PORT/$dir/targets/" \
    "${also[@]}" 2>&1) && verdict=good || verdict=bad
}

# osbuild_verdict NAME DIR: repo validate (trusted versions kept per NAME, as repository NAME);
# the verdict in $verdict, its output in $osbuild_out.
osbuild_verdict() {
  run repo validate dev --arch "$ARCH" --repo "$1" --root "$CORPUS/$1/root.json" \
    --metadata-url "file://$CORPUS/$2/metadata/" --targets-url "file://$CORPUS/$2/targets/"
  osbuild_out=$out
  case $status in
    0) verdict=good ;;
    3) verdict=bad ;;
    *) verdict="error($status)" ;;
  esac
}

good=0 bad=0 rows=0
printf '%-36s %-6s %-7s %-7s %s\n' repository expect osbuild tuf-js "osbuild's reason (bad) / defect"
while IFS=$'\t' read -r name expect before also defect; do
  rows=$((rows + 1))
  # shellcheck disable=SC2086  # `also` is a space-separated list of target names
  set -- $also
  if [ "$before" = true ]; then  # a state both clients trust first
    tuf_js_verdict "$name" "$name/before" "$@"
    [ "$verdict" = good ] || fail "$name: tuf-js refused the trusted state before it: $tuf_out"
    osbuild_verdict "$name" "$name/before"
    [ "$verdict" = good ] || fail "$name: osbuild refused the trusted state before it: $osbuild_out"
  fi
  tuf_js_verdict "$name" "$name" "$@"
  t=$verdict
  osbuild_verdict "$name" "$name"
  o=$verdict
  reason=$defect
  [ "$o" = bad ] && reason=$(printf '%s' "$osbuild_out" | sed -n 's/^osbuild: error: //p' | head -n1 | cut -c1-110)
  printf '%-36s %-6s %-7s %-7s %s\n' "$name" "$expect" "$o" "$t" "$reason"
  [ "$o" = "$t" ] || fail "$name ($defect): osbuild says $o, tuf-js says $t; osbuild: $osbuild_out; tuf-js: $tuf_out"
  [ "$t" = "$expect" ] || fail "$name ($defect): the corpus expects $expect, tuf-js says $t: $tuf_out"
  [ "$o" = "$expect" ] || fail "$name ($defect): the corpus expects $expect, osbuild says $o: $osbuild_out"
  if [ "$o" = "$expect" ] && [ "$t" = "$expect" ]; then
    [ "$expect" = good ] && good=$((good + 1)) || bad=$((bad + 1))
  fi
done < <(python3 -c '
import json, sys
for e in json.load(open(sys.argv[1])):
    print("\t".join([e["name"], e["expect"], "true" if e["before"] else "false", " ".join(e["also"]), e["defect"]]))
' "$CORPUS/index.json")
echo "$rows repositories: $good good and $bad bad on which osbuild, tuf-js and the corpus agree"
[ "$bad" -ge 25 ] || fail "only $bad broken repositories agreed on (at least 25 wanted)"
[ "$good" -ge 8 ] || fail "only $good good repositories agreed on (at least 8 wanted)"
finish
