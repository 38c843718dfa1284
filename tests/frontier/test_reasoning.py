"""Both prompts on the real SmolLM2, kept small (2 problems, few tokens); a second run comes from disk."""

from explain.core.job_board import Board
from explain.frontier import reasoning
from explain.frontier.problems import load


def test_two_problems_both_ways_then_from_disk(smollm):
    tokens = (6, 12)
    first = reasoning.run(smollm, "it", 2, tokens)
    answers = first["answers"]
    assert first["problems"] == 2 and len(answers) == 4
    assert [a["mode"] for a in answers] == ["direct", "step", "direct", "step"]
    for a in answers:
        assert 1 <= a["tokens"] <= dict(zip(reasoning.MODES, tokens))[a["mode"]] and a["reply"]
        assert a["correct"] == (
            a["extracted"] == a["expected"] == str(next(p.answer for p in load() if p.id == a["id"]))
        )
    direct = [a for a in answers if a["mode"] == "direct"]
    assert first["direct_accuracy"] == sum(a["correct"] for a in direct) / 2
    assert first["tokens_direct"] == sum(a["tokens"] for a in direct) / 2
    board = Board()
    assert list(reasoning.reason_work(smollm, "it", 2, board, tokens)) == []  # no reply generated again
    assert board.get("result") == first
