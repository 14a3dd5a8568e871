UNIT_TESTS += virtq
UNIT_SRCS_virtq := drivers/virtio/virtq.c tests/unit/test_virtq.c
