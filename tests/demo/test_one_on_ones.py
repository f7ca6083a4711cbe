"""The demo's 1:1: Jonas and Lena, three meetings held, a private note each way, an action item
done and one carried since the first meeting, feedback on the onboarding key result."""

from cadence.oneonones import selectors
from cadence.oneonones.models import ActionItem, Feedback, Note, Pair
from cadence.orgs.models import Person


def test_the_demo_holds_a_one_on_one_with_a_history(demo):
    jonas = Person.objects.get(organization=demo, name__startswith="Jonas")
    lena = Person.objects.get(email="lena.okafor@example.com")
    pair = Pair.objects.get(organization=demo)
    assert (pair.lead, pair.member) == (jonas, lena)
    meetings = list(selectors.meetings_of(pair))
    assert len(meetings) == 3
    assert all(m.at < selectors.next_meeting_at(pair) for m in meetings)
    assert Note.objects.filter(meeting__pair=pair, private=True).count() == 2
    # Each reads their own private note only.
    for person in (jonas, lena):
        seen = selectors.notes_visible_to(person).filter(meeting__pair=pair, private=True)
        assert {n.author for n in seen} == {person}
    done = ActionItem.objects.get(pair=pair, done_at__isnull=False)
    assert done.done_in == meetings[1] and done.raised_in == meetings[0]
    carried = selectors.action_items_on(pair, selectors.next_meeting_at(pair))
    assert [i.raised_in for i in carried if not i.done] == [meetings[0], meetings[1]]
    assert Feedback.objects.filter(pair=pair, key_result__isnull=False).count() == 1
