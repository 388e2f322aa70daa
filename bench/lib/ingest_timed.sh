# Sourced by the bench/ingest-*.sh scripts. ingest_timed DIR LAYOUT FEED runs `phb ingest --feeds FEED` on
# DIR/LAYOUT/landing (lake, out and the JSON summary under DIR/LAYOUT, key DIR/lake.key), whole-process wall time, and
# sets SECS, ROWS and VALID: seconds, the feed's rows in and rows valid.
ingest_timed() {
  local dir=$1 layout=$2 feed=$3 start end
  start=$(date +%s.%N)
  ./phb ingest --feeds "$feed" --extract-date 2025-06-30 --landing "$dir/$layout/landing" --lake "$dir/$layout/lake-$feed" \
    --out "$dir/$layout/out-$feed" --lake-key-file "$dir/lake.key" --json > "$dir/$layout/$feed.json" 2> "$dir/$layout/$feed.err"
  end=$(date +%s.%N)
  SECS=$(echo "$end - $start" | bc)
  read -r ROWS VALID < <(python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(j['rows_in'], j['rows_valid'])" \
    "$dir/$layout/$feed.json")
}

# ingest_measured DIR FEED runs `phb ingest --feeds FEED` on DIR/landing (lake, out, JSON summary DIR/ingest.json, key
# DIR/lake.key) with heap $PHB_HEAP (default 1g), and sets SECS (whole-process wall time) and RSS_MIB (peak resident
# memory, by /usr/bin/time); on failure it prints the end of DIR/ingest.err and exits.
ingest_measured() {
  local d=$1 feed=$2 start end
  start=$(date +%s.%N)
  PHB_HEAP=${PHB_HEAP:-1g} /usr/bin/time -f "%M" -o "$d/rss_ingest_kb" ./phb ingest --feeds "$feed" --extract-date 2025-06-30 \
    --landing "$d/landing" --lake "$d/lake" --out "$d/out" --lake-key-file "$d/lake.key" --json > "$d/ingest.json" 2> "$d/ingest.err" \
    || { echo "ingest failed; see $d/ingest.err" >&2; tail -5 "$d/ingest.err" >&2; exit 1; }
  end=$(date +%s.%N)
  SECS=$(echo "$end - $start" | bc)
  RSS_MIB=$(( $(tail -n 1 "$d/rss_ingest_kb" | awk '{print $NF}') / 1024 ))
}
