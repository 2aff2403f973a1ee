# Two commands do everything on a fresh machine: `make demo` and `make test`.
.PHONY: demo test lint bench stress setup clean-db

demo:
	@dev/demo.sh

test:
	@dev/test.sh

lint: setup
	@dev/lint.sh

bench:
	@dev/bench.sh $(BENCH_ARGS)

stress:
	@dev/stress.sh $(STRESS_ARGS)

setup:
	@dev/bootstrap.sh --with-browser

# Drop the cached template and demo databases (rebuilt on the next run).
clean-db:
	@dev/clean_db.sh
