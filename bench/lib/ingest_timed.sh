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
