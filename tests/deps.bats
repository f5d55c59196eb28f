#!/usr/bin/env bats
# deps.bats -- scripts/deps.sh: which packages it asks apt for, and what it
# does when apt cannot install one of them.  apt, dpkg and the tools are
# faked by scripts on a PATH of their own, so nothing is installed.

load test_helper

# shim DIR: a PATH directory where dpkg has every package installed except
# nodejs, npm and hyperfine, apt-cache knows them all, and we are not root.
shim() {
	mkdir -p "$1"
	cat >"$1/dpkg-query" <<'SH'
#!/bin/sh
for a; do p=$a; done
case $p in
nodejs|npm|hyperfine) printf 'unknown ok not-installed' ;;
*) printf 'install ok installed' ;;
esac
SH
	printf '#!/bin/sh\necho 1000\n' >"$1/id"
	printf '#!/bin/sh\nexit 0\n' >"$1/node"
	chmod +x "$1/dpkg-query" "$1/id" "$1/node"
}

@test "deps.sh --bench --dry-run does not ask apt for npm when npm is on PATH" {
	local d="$BATS_TEST_TMPDIR/bin"
	shim "$d"
	printf '#!/bin/sh\necho 10.0.0\n' >"$d/npm"
	chmod +x "$d/npm"
	run --separate-stderr env PATH="$d" /bin/sh ../scripts/deps.sh \
	    --bench --dry-run
	[ "$status" -eq 0 ]
	[ "$output" = hyperfine ]
	[[ "$stderr" == *"npm found at $d/npm"* ]]
	[[ "$stderr" == *"node found at $d/node"* ]]
}

@test "deps.sh --bench --dry-run asks for npm and nodejs when they are absent" {
	local d="$BATS_TEST_TMPDIR/bin"
	shim "$d"
	rm "$d/node"
	run --separate-stderr env PATH="$d" /bin/sh ../scripts/deps.sh \
	    --bench --dry-run
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'nodejs\nnpm\nhyperfine')" ]
}

@test "deps.sh --dry-run without --bench asks for no benchmark package" {
	local d="$BATS_TEST_TMPDIR/bin"
	shim "$d"
	rm "$d/node"
	run --separate-stderr env PATH="$d" /bin/sh ../scripts/deps.sh --dry-run
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[[ "$stderr" == *"nothing to install"* ]]
}

@test "deps.sh installs the other packages when apt cannot install one, and names it" {
	local d="$BATS_TEST_TMPDIR/bin" log="$BATS_TEST_TMPDIR/apt.log"
	shim "$d"
	rm "$d/node"
	printf '#!/bin/sh\necho 0\n' >"$d/id"
	# An apt that refuses npm, as it does next to NodeSource's nodejs.
	cat >"$d/apt-get" <<SH
#!/bin/sh
echo "\$*" >>"$log"
case " \$* " in
*" npm "*) echo "E: Unable to correct problems, you have held broken packages." >&2; exit 100 ;;
esac
exit 0
SH
	chmod +x "$d/apt-get"
	run --separate-stderr env PATH="$d" /bin/sh ../scripts/deps.sh --bench
	[ "$status" -eq 4 ]
	[[ "$stderr" == *"apt-get cannot install npm"* ]]
	[[ "$stderr" == *"held broken packages"* ]]
	[[ "$stderr" == *"not installed: npm (the others are)"* ]]
	grep -qx 'install -y -qq --no-install-recommends nodejs' "$log"
	grep -qx 'install -y -qq --no-install-recommends hyperfine' "$log"
}

@test "deps.sh rejects an unknown option with status 2" {
	run --separate-stderr /bin/sh ../scripts/deps.sh --bogus
	[ "$status" -eq 2 ]
	[[ "$stderr" == usage:* ]]
}
