#!/usr/bin/env bats
# extract.bats -- behaviour of etv-extract(1)

load test_helper

FIX=fixtures/extract

# A copy of the fixture tree with fixed times, so that meta.mtime is known;
# the tests run in $BATS_TEST_TMPDIR and name it "tree".
setup() {
	cp -R "$FIX/tree" "$BATS_TEST_TMPDIR/tree"
	find "$BATS_TEST_TMPDIR/tree" -exec touch -h -d '2024-05-06T07:08:09Z' {} +
	EXP=$PWD/$FIX/expected
	cd "$BATS_TEST_TMPDIR"
}

@test "extract: a directory gives one record per file, sorted, hidden skipped" {
	run --separate-stderr etv-extract tree
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "$output" = "$(cat "$EXP/tree.jsonl")" ]
}

@test "extract: output is byte-identical run after run" {
	etv-extract tree >a.jsonl
	etv-extract tree >b.jsonl
	cmp a.jsonl b.jsonl
}

@test "extract: -j gives the same bytes as one thread" {
	etv-extract tree >one.jsonl
	etv-extract -j 3 tree >three.jsonl
	cmp one.jsonl three.jsonl
	etv-extract -j 0 tree >all.jsonl
	cmp one.jsonl all.jsonl
}

@test "extract: ids are relative to the directory operand, paths as reached" {
	run --separate-stderr etv-extract tree/guide/ tree/guide/notes.txt
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[0]}" == '{"id":"install.md",'*'"path":"tree/guide/install.md"'* ]]
	[[ "${lines[1]}" == '{"id":"notes.txt",'*'"path":"tree/guide/notes.txt"'* ]]
	[[ "${lines[2]}" == '{"id":"tree/guide/notes.txt",'*'"path":"tree/guide/notes.txt"'* ]]
}

@test "extract: sorting is bytewise over whole relative paths" {
	mkdir -p s/a s/B
	echo 1 >s/a/c; echo 2 >s/a-b; echo 3 >s/B/x; echo 4 >s/Z
	run --separate-stderr etv-extract s
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | sed 's/^{"id":"\([^"]*\)".*/\1/' | tr '\n' ' ')" = "B/x Z a-b a/c " ]
}

@test "extract: --hidden enters dot files and directories" {
	run --separate-stderr etv-extract --hidden tree
	[ "$status" -eq 0 ]
	[[ "$output" == *'"id":".cache/x.txt"'* ]]
	[[ "$output" == *'"id":".hidden.txt"'* ]]
	[ "${#lines[@]}" -eq 9 ]
}

@test "extract: --include and --exclude match the relative path or the name" {
	run --separate-stderr etv-extract --include '*.md' tree
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == '{"id":"README.md"'* ]]
	[[ "${lines[1]}" == '{"id":"guide/install.md"'* ]]
	run --separate-stderr etv-extract --exclude guide --exclude '*.jsonl' tree
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | cut -d'"' -f4 | tr '\n' ' ')" = \
	    'README.md page.html people.csv ' ]
	run --separate-stderr etv-extract --include 'guide/*' tree
	[ "${#lines[@]}" -eq 2 ]
}

@test "extract: '-' reads a list of paths from stdin, -0 a NUL-separated one" {
	run --separate-stderr etv-extract - <<<$'tree/guide/notes.txt\n\ntree/README.md'
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == '{"id":"tree/guide/notes.txt"'* ]]
	[[ "${lines[1]}" == '{"id":"tree/README.md"'* ]]
	printf 'tree/guide\0tree/page.html\0' >list
	run --separate-stderr etv-extract -0 - <list
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[[ "${lines[2]}" == '{"id":"tree/page.html"'* ]]
}

@test "extract: no operands reads JSON-lines on stdin, adding id and hash" {
	run --separate-stderr etv-extract <<<$'{"id":"a","text":"hello"}\r\n\n{"text":"","n":1.50}'
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
	[ "${lines[0]}" = '{"id":"a","text":"hello","hash":"xxh3:9555e8555c62dcfd"}' ]
	# XXH3-64 of the empty string is 2d06800538d394c2.
	[ "${lines[1]}" = '{"text":"","n":1.50,"id":"<stdin>:3","hash":"xxh3:2d06800538d394c2"}' ]
}

@test "extract: a record's hash is the hash of its text, whatever the source" {
	printf 'hello' >h.txt
	run --separate-stderr etv-extract h.txt
	[[ "$output" == *'"hash":"xxh3:9555e8555c62dcfd"'* ]]
}

@test "extract: JSON-lines with --text-field and --id-field" {
	run --separate-stderr etv-extract --text-field body --id-field key \
	    <<<'{"body":"hello","hash":"stale"}'
	[ "$status" -eq 0 ]
	[ "$output" = '{"body":"hello","hash":"xxh3:9555e8555c62dcfd","key":"<stdin>:1"}' ]
}

@test "extract: a JSON-lines file passes records through with FILE:LINE ids" {
	run --separate-stderr etv-extract tree/records.jsonl
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '{"id":"r1","text":"first","n":1.0,"tags":["a"],"hash":"xxh3:370f0f1c16b0aa53"}' ]
	[ "${lines[1]}" = '{"text":"second","meta":{"lang":"en"},"id":"tree/records.jsonl:3","hash":"xxh3:30584211054b083a"}' ]
}

@test "extract: a malformed JSON-lines line is FILE:LINE, status 3" {
	printf '{"id":"a","text":"x"}\n{"id":"b"}\nnot json\n{"id":"c","text":"z"}\n' >bad.jsonl
	run --separate-stderr etv-extract bad.jsonl
	[ "$status" -eq 3 ]
	[[ "$output" == '{"id":"a","text":"x","hash":"xxh3:'*'"}' ]]
	[ "$stderr" = "etv-extract: bad.jsonl:2: field 'text' is missing" ]
}

@test "extract: --rejects takes bad lines verbatim and the run goes on" {
	printf '{"id":"a","text":"x"}\n{"id":"b"}\nnot json\n{"id":7,"text":"y"}\n{"id":"c","text":"z"}\n' >bad.jsonl
	run --separate-stderr etv-extract -v --rejects rej.jsonl bad.jsonl
	[ "$status" -eq 3 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(cat rej.jsonl)" = $'{"id":"b"}\nnot json\n{"id":7,"text":"y"}' ]
	[[ "$stderr" == *"bad.jsonl:3: invalid JSON"* ]]
	[[ "$stderr" == *"bad.jsonl:4: field 'id' is not a string"* ]]
	[[ "$stderr" == *"read 5, wrote 2, rejected 3"* ]]
	run --separate-stderr etv-extract --rejects rej.jsonl --max-rejects 3 bad.jsonl
	[ "$status" -eq 0 ]
}

@test "extract: a JSON-lines line over --max-line is malformed, never held" {
	{ printf '{"text":"'; head -c 100000 /dev/zero | tr '\0' a; printf '"}\n{"text":"ok"}\n'; } >long.jsonl
	run --separate-stderr etv-extract --max-line 1K --rejects rej.jsonl long.jsonl
	[ "$status" -eq 3 ]
	[[ "$output" == '{"text":"ok","id":"long.jsonl:2",'* ]]
	[ "$stderr" = "etv-extract: long.jsonl:1: line is longer than --max-line" ]
	# The file reader and the stdin reader agree on every line.
	awk 'BEGIN { for (i = 0; i < 20000; i++) { s = sprintf("%*s", i % 300, ""); printf "{\"id\":\"%d\",\"text\":\"%s\"}%s\n", i, s, (i % 3 ? "" : "\r") } }' >many.jsonl
	etv-extract -q --max-line 200 --rejects r1 many.jsonl >a.jsonl || true
	etv-extract -q --max-line 200 --rejects r2 <many.jsonl >b.jsonl || true
	cmp a.jsonl b.jsonl
	cmp r1 r2
	[ "$(wc -l <a.jsonl)" -gt 10000 ]
}

@test "extract: without --csv a .csv file is one text document" {
	run --separate-stderr etv-extract tree/people.csv
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == *'"type":"text"'* ]]
}

@test "extract: --csv gives one record per row, with the row's first line" {
	run --separate-stderr etv-extract --csv tree/people.csv
	[ "$status" -eq 0 ]
	[ "$output" = "$(cat "$EXP/people.jsonl")" ]
}

@test "extract: --text-template and --id-field build text and id from columns" {
	run --separate-stderr etv-extract --csv --id-field name \
	    --text-template '{name} ({city}) {{{note}}}' tree/people.csv
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == '{"id":"Ann","text":"Ann (Rome) {likes \"espresso\"}",'* ]]
	[[ "${lines[1]}" == '{"id":"Bob","text":"Bob (New\nYork) {}",'* ]]
}

@test "extract: --text-columns joins columns by lines, empty ones left out" {
	run --separate-stderr etv-extract --csv --text-columns note,name tree/people.csv
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == '{"id":"tree/people.csv:2","text":"likes \"espresso\"\nAnn",'* ]]
	[[ "${lines[1]}" == '{"id":"tree/people.csv:3","text":"Bob",'* ]]
}

@test "extract: CSV on stdin with --csv and no operands" {
	run --separate-stderr etv-extract --csv --text-columns b <<<$'a,b\n1,two\n'
	[ "$status" -eq 0 ]
	[ "$output" = '{"id":"<stdin>:2","text":"two","hash":"xxh3:'"$(etv-extract <<<'{"id":"x","text":"two"}' | sed 's/.*"xxh3:\([0-9a-f]*\)".*/\1/')"'","meta":{"line":2,"type":"csv","fields":{"a":"1","b":"two"}}}' ]
}

@test "extract: a template column missing from the header is malformed" {
	run --separate-stderr etv-extract --csv --text-template '{nope}' tree/people.csv
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "etv-extract: tree/people.csv:2: column 'nope' is not in the header" ]
	run --separate-stderr etv-extract --csv --id-field nope tree/people.csv
	[ "$status" -eq 3 ]
}

@test "extract: bad CSV rows are FILE:LINE and go to --rejects as CSV" {
	printf 'a,b\n1,2,3\n"x\ny",z\n' >t.csv
	run --separate-stderr etv-extract --csv --rejects rej.csv t.csv
	[ "$status" -eq 3 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == '{"id":"t.csv:3",'* ]]
	[ "$stderr" = "etv-extract: t.csv:2: row has more fields than the header" ]
	[ "$(cat rej.csv)" = "1,2,3" ]
}

@test "extract: a CSV field with a NUL byte is malformed; long reals keep 15 digits" {
	printf 'id,x\nk1,a\0b\nk2,3.14159265358979323846\n' >nul.csv
	run --separate-stderr etv-extract --csv --types x:number nul.csv
	[ "$status" -eq 3 ]
	[ "$stderr" = "etv-extract: nul.csv:2: field contains a NUL byte" ]
	[ "${#lines[@]}" -eq 0 ]
	run --separate-stderr etv-extract --csv --types x:number --rejects rej.csv nul.csv
	[ "$status" -eq 3 ]
	[[ "$output" == *'"fields":{"id":"k2","x":3.14159265358979}}}' ]]
}

@test "extract: a CSV byte order mark is not part of the first column's name" {
	printf '\xef\xbb\xbfid,name\r\nk1,Ann\r\n' >bom.csv
	run --separate-stderr etv-extract --csv --id-field id bom.csv
	[ "$status" -eq 0 ]
	[[ "$output" == '{"id":"k1","text":"id: k1\nname: Ann",'*'"fields":{"id":"k1","name":"Ann"}}}' ]]
}

@test "extract: a quote left open at the end of a CSV file is malformed, at its row" {
	printf 'a,b\n1,2\n3,"open\n4,5\n6,7\n' >open.csv
	run --separate-stderr etv-extract --csv open.csv
	[ "$status" -eq 3 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" == '{"id":"open.csv:2",'* ]]
	[ "$stderr" = "etv-extract: open.csv:3: quoted field is not closed at the end of the input" ]
	# The same on stdin.
	run --separate-stderr etv-extract --csv <open.csv
	[ "$status" -eq 3 ]
	[ "$stderr" = "etv-extract: <stdin>:3: quoted field is not closed at the end of the input" ]
}

@test "extract: --max-line caps CSV rows; --rejects gets the row as it was read" {
	{ printf 'a,b\n1,2\n"'; head -c 5000 /dev/zero | tr '\0' x
	  printf '\nx",y\r\n3,4\n'; } >wide.csv
	run --separate-stderr etv-extract --csv --max-line 1K --rejects rej.csv wide.csv
	[ "$status" -eq 3 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[1]}" == '{"id":"wide.csv:5",'* ]]
	[ "$stderr" = "etv-extract: wide.csv:3: row is longer than --max-line" ]
	[ "$(cat rej.csv)" = "$(sed -n '3,4p' wide.csv | tr -d '\r')" ]
	etv-extract -q --csv --max-line 1K --rejects rej2.csv <wide.csv >/dev/null || true
	cmp rej.csv rej2.csv
}

@test "extract: --types types CSV fields; empty cells are null" {
	printf 'id,price,ok,note\n7,9.50,true,\n8,,false,""\n' >typed.csv
	run --separate-stderr etv-extract --csv --types price:number,ok:boolean typed.csv
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == *'"fields":{"id":"7","price":9.5,"ok":true,"note":null}}}' ]]
	[[ "${lines[1]}" == *'"fields":{"id":"8","price":null,"ok":false,"note":""}}}' ]]
	# An inferred numeric id is still an id.
	run --separate-stderr etv-extract --csv --types auto typed.csv
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == '{"id":"7",'*'"fields":{"id":7,"price":9.5,"ok":true,"note":null}}}' ]]
	printf 'id,price\n7,cheap\n' >bad.csv
	run --separate-stderr etv-extract --csv --types price:number bad.csv
	[ "$status" -eq 3 ]
	[ "$stderr" = "etv-extract: bad.csv:2: column 'price': 'cheap' is not a number" ]
}

@test "extract: bad templates and option mixes are usage errors" {
	run --separate-stderr etv-extract --csv --text-template '{a' tree
	[ "$status" -eq 2 ]
	[[ "$stderr" == "etv-extract: option '--text-template': '{' is not closed"* ]]
	run --separate-stderr etv-extract --text-template '{a}' --text-columns a tree
	[ "$status" -eq 2 ]
	run --separate-stderr etv-extract --type pdf tree
	[ "$status" -eq 2 ]
	run --separate-stderr etv-extract --encoding ebcdic tree
	[ "$status" -eq 2 ]
	run --separate-stderr etv-extract --type html </dev/null
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"--type html /dev/stdin"* ]]
}

@test "extract: HTML loses script, style and tags, keeps structure and title" {
	run --separate-stderr etv-extract tree/page.html
	[ "$status" -eq 0 ]
	[[ "$output" == *'"text":"Menu\n\nOur coffee costs €2 – <cheap>.\n\n- Espresso\n- Latte & milk\n\nItem | Price\nTea | £1\n\n  indented   code"'* ]]
	[[ "$output" == *'"title":"Café & Bar — Menu"'* ]]
	[[ "$output" != *menu\ =* ]]
}

@test "extract: --type forces a type whatever the extension" {
	printf '<p>a &amp; b</p>' >page.txt
	run --separate-stderr etv-extract --type html page.txt
	[[ "$output" == '{"id":"page.txt","text":"a & b",'*'"type":"html"'* ]]
	printf '{"id":"q","text":"t"}\n' >recs.txt
	run --separate-stderr etv-extract --type jsonl recs.txt
	[[ "$output" == '{"id":"q","text":"t","hash":'* ]]
	run --separate-stderr etv-extract --type html /dev/stdin <<<'<title>In</title>x'
	[[ "$output" == '{"id":"/dev/stdin","text":"x",'*'"title":"In"'* ]]
}

@test "extract: a file that is not UTF-8 is malformed, at its line" {
	printf 'caf\xc3\xa9\nna\xefve\n' >l1.txt
	run --separate-stderr etv-extract l1.txt tree/guide/notes.txt
	[ "$status" -eq 3 ]
	[ -z "$output" ]
	[ "$stderr" = "etv-extract: l1.txt:2: not valid UTF-8 (byte 9); try --encoding latin1" ]
}

@test "extract: a crafted file name in a walked tree cannot forge a message or drive the terminal" {
	mkdir crafted
	printf 'caf\xe9\n' >"crafted/"$'a\netv-extract: ok.txt:1: fine\e[2J.txt'
	printf 'x\x9by\n' >"crafted/"$'\xc2\x9b31m.txt'
	run --separate-stderr etv-extract crafted
	[ "$status" -eq 3 ]
	[ "${#stderr_lines[@]}" -eq 1 ]
	[ "$stderr" = 'etv-extract: crafted/a\netv-extract: ok.txt:1: fine\x1b[2J.txt:1: not valid UTF-8 (byte 4); try --encoding latin1' ]
	run --separate-stderr etv-extract --rejects rej.jsonl crafted
	[ "$status" -eq 3 ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	[[ "${stderr_lines[1]}" == 'etv-extract: crafted/\u009b31m.txt:1: not valid UTF-8 (byte 2)'* ]]
	[[ "$stderr" != *$'\e'* ]]
}

@test "extract: --rejects gets a record naming a file that is not UTF-8" {
	printf 'na\xefve\n' >l1.txt
	run --separate-stderr etv-extract --rejects rej.jsonl l1.txt tree/guide/notes.txt
	[ "$status" -eq 3 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "$(cat rej.jsonl)" == '{"id":"l1.txt","meta":{"path":"l1.txt","bytes":6,'*'"type":"text"},"error":"not valid UTF-8 (byte 3); try --encoding latin1"}' ]]
}

@test "extract: --encoding latin1 reads files that are not UTF-8 as Latin-1" {
	printf 'na\xefve \xa3\n' >l1.txt
	printf 'caf\xc3\xa9\n' >u8.txt
	run --separate-stderr etv-extract --encoding latin1 l1.txt u8.txt
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == '{"id":"l1.txt","text":"naïve £\n",'*'"encoding":"latin1"}}' ]]
	[[ "${lines[1]}" == '{"id":"u8.txt","text":"café\n",'* ]]
	[[ "${lines[1]}" != *encoding* ]]
}

@test "extract: an HTML page that declares Latin-1 is read as Windows-1252" {
	printf '<meta charset="iso-8859-1"><p>caf\xe9 \x93ok\x94</p>' >w.html
	printf '<meta charset="utf-8"><p>caf\xe9</p>' >u.html
	run --separate-stderr etv-extract w.html
	[ "$status" -eq 0 ]
	[[ "$output" == '{"id":"w.html","text":"café “ok”",'*'"encoding":"latin1"'* ]]
	run --separate-stderr etv-extract u.html
	[ "$status" -eq 3 ]
}

@test "extract: a binary file is skipped with a warning, -q silences it" {
	printf 'PK\003\004\000\000junk' >blob.zip
	run --separate-stderr etv-extract blob.zip tree/guide/notes.txt
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$stderr" = "etv-extract: blob.zip: binary file (NUL byte at offset 4), skipped" ]
	run --separate-stderr etv-extract -q blob.zip
	[ "$status" -eq 0 ]
	[ -z "$stderr" ]
}

@test "extract: a missing or unreadable file is an error, status 4, the rest goes on" {
	run --separate-stderr etv-extract missing.txt tree/guide/notes.txt
	[ "$status" -eq 4 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$stderr" = "etv-extract: missing.txt: cannot open: No such file or directory" ]
	if [ "$(id -u)" -ne 0 ]; then
		echo x >secret.txt
		chmod 000 secret.txt
		run --separate-stderr etv-extract secret.txt
		[ "$status" -eq 4 ]
		[[ "$stderr" == *"secret.txt: cannot open: Permission denied" ]]
	fi
}

@test "extract: --max-size skips larger documents with a warning" {
	head -c 2048 /dev/zero | tr '\0' a >big.txt
	run --separate-stderr etv-extract --max-size 1K big.txt tree/guide/notes.txt
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$stderr" = "etv-extract: big.txt: larger than --max-size (1024 bytes), skipped" ]
}

@test "extract: a byte order mark is not text; CRLF is kept" {
	printf '\xef\xbb\xbfline\r\n' >bom.txt
	run --separate-stderr etv-extract bom.txt
	[[ "$output" == '{"id":"bom.txt","text":"line\r\n",'*'"bytes":9,'* ]]
}

@test "extract: symbolic links: files followed, directories with -L, loops refused" {
	mkdir -p l/sub
	echo a >l/sub/a.txt
	ln -s sub/a.txt l/link.txt
	ln -s sub l/dirlink
	ln -s .. l/sub/up
	ln -s nowhere l/dangling
	run --separate-stderr etv-extract l
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | cut -d'"' -f4 | tr '\n' ' ')" = "link.txt sub/a.txt " ]
	[ "$stderr" = "etv-extract: l/dangling: broken symbolic link (No such file or directory), skipped" ]
	run --separate-stderr etv-extract -L -q l
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | cut -d'"' -f4 | tr '\n' ' ')" = "dirlink/a.txt link.txt sub/a.txt " ]
	run --separate-stderr etv-extract -L l
	[[ "$stderr" == *"l/dirlink/up: directory loop (Too many levels of symbolic links), skipped"* ]]
}

@test "extract: a file name that is not UTF-8 is malformed" {
	mkdir n
	echo x >"n/$(printf 'bad\xff')"
	run --separate-stderr etv-extract n
	[ "$status" -eq 3 ]
	[[ "$stderr" == *": file name is not valid UTF-8" ]]
}

@test "extract: -v prints what was read and skipped" {
	printf '\000' >tree/blob
	run --separate-stderr etv-extract -v -q tree
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"files 6 (text 2, markdown 2, html 1, jsonl 1, csv 0)"*"skipped: binary 1, over --max-size 0, other 0"* ]]
	[[ "$stderr" == *"read 7, wrote 7, rejected 0" ]]
}

@test "extract: --help starts with the usage line and the purpose" {
	run --separate-stderr etv-extract --help
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "usage: etv-extract [options] [path ...]" ]
	[ "${lines[1]}" = "etv-extract -- turn files, directories and CSV into document records" ]
}

@test "extract: a full stdout is status 4, a closed pipe a quiet death" {
	if [ -e /dev/full ]; then
		run --separate-stderr etv-extract tree
		run --separate-stderr sh -c 'etv-extract tree >/dev/full'
		[ "$status" -eq 4 ]
	fi
	awk 'BEGIN { for (i = 0; i < 200000; i++) printf "{\"text\":\"%d\"}\n", i }' >big.jsonl
	run --separate-stderr bash -c 'etv-extract big.jsonl | head -n 1 >/dev/null; echo "${PIPESTATUS[0]}"'
	[ "$output" = 141 ]
	[ -z "$stderr" ]
}

@test "extract: the output file inside the tree is not read back" {
	etv-extract tree >tree/all.jsonl 2>err
	[ "$(wc -l <tree/all.jsonl)" -eq 7 ]
	[ "$(cat err)" = "etv-extract: tree/all.jsonl: is the output, skipped" ]
	rm tree/all.jsonl
	run --separate-stderr etv-extract --rejects tree/rej.jsonl tree
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 7 ]
	[ "$stderr" = "etv-extract: tree/rej.jsonl: is the output, skipped" ]
}

@test "extract: --encoding latin1 converts JSON-lines and CSV files as a whole" {
	printf 'name,city\nJos\xe9,M\xfcnchen\n' >l1.csv
	printf '{"text":"caf\xe9"}\n' >l1.jsonl
	run --separate-stderr etv-extract --csv l1.csv
	[ "$status" -eq 3 ]
	[ "$stderr" = "etv-extract: l1.csv:2: field is not valid UTF-8" ]
	run --separate-stderr etv-extract --csv --encoding latin1 l1.csv l1.jsonl
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == '{"id":"l1.csv:2","text":"name: José\ncity: München",'*'"encoding":"latin1"'* ]]
	[[ "${lines[1]}" == '{"text":"café","id":"l1.jsonl:1",'* ]]
	run --separate-stderr etv-extract --encoding latin1 --type csv /dev/stdin <l1.csv
	[ "$status" -eq 0 ]
	[[ "$output" == *'"fields":{"name":"José","city":"München"}'* ]]
}

@test "extract: --stats has the figures of -v: files by type, skipped" {
	printf '\000' >tree/blob
	run --separate-stderr etv-extract -q --stats st.json tree
	[ "$status" -eq 0 ]
	[ "$(jq -c '[.read, .written, .files, .files_by_type, .skipped_binary,
	    .skipped_too_big, .skipped_other]' st.json)" = \
	    '[7,7,6,{"text":2,"markdown":2,"html":1,"jsonl":1,"csv":0},1,0,0]' ]
	[ "$(jq .bytes st.json)" -gt 0 ]
}
