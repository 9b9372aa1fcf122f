"""The shared memory of handled events: first time yes, repeat no, forgotten after its TTL."""

from bot.seen import Seen
from handlers.teams.dedupe import SeenActivities


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_key_counts_once_until_its_ttl_runs_out():
    clock = Clock()
    seen = Seen(clock=clock)
    assert seen.first("event:1", 10) and not seen.first("event:1", 10)
    clock.now = 9.9
    assert not seen.first("event:1", 10)
    clock.now = 10.5  # a repeat does not extend the first sighting
    assert seen.first("event:1", 10)


def test_memory_is_bounded_oldest_first():
    seen = Seen(max_items=3, clock=Clock())
    for key in "abcd":
        assert seen.first(key, 60)
    assert len(seen) == 3
    assert seen.first("a", 60)  # the oldest was forgotten
    assert not seen.first("d", 60)


def test_teams_activities_without_an_id_always_count_as_new():
    activities = SeenActivities()
    assert activities.first_time("conv", "") and activities.first_time("conv", "")
    assert activities.first_time("conv", "1") and not activities.first_time("conv", "1")
    assert activities.first_time("other", "1")
