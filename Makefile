# etv -- Makefile (GNU make)
.SUFFIXES:

VERSION	= 0.1.0
PREFIX	= /usr/local
BINDIR	= $(PREFIX)/bin
MANDIR	= $(PREFIX)/share/man
PKG_CONFIG = pkg-config
BATS	= bats

CC	= cc
CFLAGS	= -O2 -g
LDFLAGS	=
ETVCFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	   -DETV_VERSION='"$(VERSION)"' -Wall -Wextra -Wshadow \
	   -Wstrict-prototypes -Wno-unused-parameter -pthread -I.
PKGS	= jansson libutf8proc libxxhash libpcre2-8 libcurl sqlite3
DEPCFLAGS != $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null || true
DEPLIBS   != $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null || echo -ljansson -lutf8proc -lxxhash -lpcre2-8 -lcurl -lsqlite3; echo -lcsv -lstemmer -lm -pthread

# SANITIZE=1 builds into build-san/ with ASan and UBSan, with clang unless
# CC is given on the command line: clang's UBSan checks more than GCC's
# (arithmetic on a null pointer, for one).
BUILD	= build
SF	=
ifeq ($(SANITIZE),1)
BUILD	= build-san
ifeq ($(origin CC),file)
CC	= clang
endif
SF	= -O1 -fsanitize=address,undefined -fno-omit-frame-pointer \
	  -fno-sanitize-recover=undefined
endif
B	= $(BUILD)

# lib/ is grouped by layer; an include may point down or sideways, never up
# (tests/layers.bats): base <- text <- json <- chunk embed extract index
# validate <- cmd.
LIBSRC	!= ls lib/*/*.c
LIBHDR	!= ls lib/*/*.h
CMDSRC	!= ls cmd/*.c
UNITSRC	!= ls tests/unit/*.c 2>/dev/null || true
LIBOBJ	= $(LIBSRC:lib/%.c=$(B)/lib/%.o)
CMDS	= $(CMDSRC:cmd/%.c=%)
PROGS	= $(CMDS:%=$(B)/etv-%)
UNITS	= $(UNITSRC:tests/unit/%.c=$(B)/unit/%)
MAN1	!= ls man/*.1
MAN7	!= ls man/*.7

ALLCFLAGS = $(ETVCFLAGS) $(DEPCFLAGS) $(CFLAGS) $(SF)

all: $(B)/lib/libetv.a $(B)/etv $(filter-out $(B)/etv-etv,$(PROGS)) $(UNITS)

$(B)/lib/%.o: lib/%.c $(LIBHDR)
	@mkdir -p $(@D)
	$(CC) $(ALLCFLAGS) -c -o $@ lib/$*.c

$(B)/lib/libetv.a: $(LIBOBJ)
	rm -f $@
	ar rcs $@ $(LIBOBJ)

$(B)/etv: cmd/etv.c $(B)/lib/libetv.a $(LIBHDR)
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ cmd/etv.c $(B)/lib/libetv.a $(DEPLIBS)

$(B)/etv-%: cmd/%.c $(B)/lib/libetv.a $(LIBHDR)
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ cmd/$*.c $(B)/lib/libetv.a $(DEPLIBS)

$(B)/unit/%: tests/unit/%.c $(B)/lib/libetv.a $(LIBHDR)
	@mkdir -p $(B)/unit
	$(CC) $(ALLCFLAGS) $(LDFLAGS) -o $@ tests/unit/$*.c $(B)/lib/libetv.a $(DEPLIBS)

deps:
	@sh scripts/deps.sh

deps-bench:
	@sh scripts/deps.sh --bench

# The set-up is part of check and demo, so that both work on a fresh machine.
# check fetches the OpenAI rank files, so that the tests that need them run
# (ETV_NEED_TOKENIZERS makes them fail rather than skip without them).
check: deps
	@sh scripts/fetch-tokenizers.sh build/tokenizers
	@$(MAKE) --no-print-directory all
	ETV_BUILD=$(CURDIR)/$(B) ETV_SANITIZE=$(SANITIZE) \
	    ETV_TOKENIZERS=$(CURDIR)/build/tokenizers ETV_NEED_TOKENIZERS=1 \
	    $(BATS) tests

demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh $(B)

bench: deps-bench
	@$(MAKE) --no-print-directory all
	@for s in scripts/bench/*.sh; do sh "$$s" $(B) || exit 1; done

lint: all
	mandoc -Tlint -Wwarning man/*.1 man/*.7
	rm -rf build-lint
	$(MAKE) --no-print-directory all BUILD=build-lint CFLAGS='-O2 -Werror'
	shellcheck -s sh $$(ls scripts/*.sh scripts/bench/*.sh 2>/dev/null)
	shellcheck scripts/examples/*.sh
	sh scripts/check-usage.sh $(B)

install: all
	mkdir -p $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	for p in $(B)/etv $(filter-out $(B)/etv-etv,$(PROGS)); do \
		cp -f $$p $(DESTDIR)$(BINDIR)/ && chmod 755 $(DESTDIR)$(BINDIR)/$${p##*/}; done
	for m in $(MAN1); do cp -f $$m $(DESTDIR)$(MANDIR)/man1/ && \
		chmod 644 $(DESTDIR)$(MANDIR)/man1/$${m##*/}; done
	for m in $(MAN7); do cp -f $$m $(DESTDIR)$(MANDIR)/man7/ && \
		chmod 644 $(DESTDIR)$(MANDIR)/man7/$${m##*/}; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/etv $(CMDS:%=$(DESTDIR)$(BINDIR)/etv-%)
	for m in $(MAN1); do rm -f $(DESTDIR)$(MANDIR)/man1/$${m##*/}; done
	for m in $(MAN7); do rm -f $(DESTDIR)$(MANDIR)/man7/$${m##*/}; done

clean:
	rm -rf build build-san build-lint

.PHONY: all deps deps-bench check demo bench lint install uninstall clean
