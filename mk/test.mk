# `make test`: install what is missing, then tools/test.py builds the
# kernel and fcboot, runs the host unit tests, the in-kernel self-tests and
# the QEMU boot tests, and ends with "N passed, M failed".

test:
	@tools/deps.sh test
	@MAKE="$(MAKE)" BUILD="$(BUILD)" $(PYTHON) tools/test.py
