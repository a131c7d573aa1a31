import uuid

from aigc_desktop.store.uids import new_uid, uid_time_ms


def test_uids_are_version_7_and_carry_their_time():
    u = new_uid(now_ms=1_765_000_000_123)
    parsed = uuid.UUID(u)
    assert parsed.version == 7 and parsed.variant == uuid.RFC_4122
    assert uid_time_ms(u) >= 1_765_000_000_123


def test_uids_made_together_are_unique_and_sorted():
    many = [new_uid() for _ in range(5000)]
    assert len(set(many)) == len(many)
    assert many == sorted(many)


def test_a_clock_that_steps_back_keeps_the_order():
    a = new_uid(now_ms=2_000_000_000_000)
    b = new_uid(now_ms=1_000_000_000_000)
    assert b > a
