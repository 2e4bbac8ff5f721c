# Thin wrapper over the CMake presets. `make demo` and `make test` do all set-up themselves.
PRESET ?= dev
BUILD := build/$(PRESET)
TESSERA := $(BUILD)/harness/tessera
JOBS ?= $(shell nproc)

.PHONY: all setup doctor configure build demo test asan-build test-asan coverage bench format clean

all: build

# setup installs what is missing (as root; TESSERA_SETUP=no skips it), doctor then checks that
# every file the build uses is there and names each missing one with its package, in a second.
setup:
	@sh scripts/setup.sh

doctor: setup
	@sh scripts/doctor.sh build

configure: doctor
	cmake --preset $(PRESET) >/dev/null

build: configure
	cmake --build --preset $(PRESET) -j $(JOBS)

demo: build
	$(TESSERA) compare scenarios/automotive.dts --out build/demo/automotive

# Every test: the unit tests under ASan/UBSan and plain, the LTTng test and the QEMU boots,
# ending with one summary line per group (scripts/run-tests.sh).
test: build asan-build
	sh scripts/run-tests.sh $(JOBS)

asan-build: doctor
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)

test-asan: asan-build
	ctest --preset asan -j $(JOBS) -L unit

coverage: doctor
	@sh scripts/doctor.sh coverage
	cmake --preset coverage >/dev/null
	cmake --build --preset coverage -j $(JOBS)
	lcov --zerocounters --directory build/coverage >/dev/null
	ctest --preset coverage -j $(JOBS) -L unit
	lcov --quiet --capture --directory build/coverage --output-file build/coverage/all.info
	lcov --quiet --remove build/coverage/all.info '/usr/*' '*/tests/*' \
	    --output-file build/coverage/tessera.info
	genhtml --quiet build/coverage/tessera.info --output-directory build/coverage/html
	@lcov --summary build/coverage/tessera.info
	@echo "coverage report: build/coverage/html/index.html"

bench: build
	sh bench/first-instruction.sh $(TESSERA)
	sh bench/hyperlaunch.sh $(TESSERA)
	sh bench/modes.sh $(TESSERA)
	sh bench/trace-overhead.sh $(TESSERA)
	sh bench/latency.sh $(TESSERA)
	sh bench/scenarios.sh $(TESSERA)
	sh bench/linux.sh $(TESSERA)
	sh bench/reference-xen.sh $(TESSERA)
	sh bench/automotive.sh $(TESSERA)
	sh bench/drop-frames.sh results

format:
	@sh scripts/doctor.sh format
	git ls-files '*.c' '*.h' | xargs clang-format -i

clean:
	rm -rf build
