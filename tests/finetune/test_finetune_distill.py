"""Distillation: the same tiny student trained on the raw corpus and on the teacher's text.

Small on purpose (2 shared cores): 40 steps each with the tiny preset, about 0.2 M parameters.
"""

import pytest

from explain.finetune import distill


@pytest.fixture(scope="module")
def compared():
    if not distill.TEACHER_FILE.is_file():
        pytest.skip("teacher text not generated")
    cfg = distill.DistillConfig(steps=40, batch_size=16, eval_batches=2, sample_chars=40)
    return distill.compare_students(distill.raw_corpus(), distill.shipped_teacher_text(), cfg)


def test_both_students_have_the_same_size_and_learn(compared):
    students = compared["students"]
    assert set(students) == {"raw", "teacher"}
    assert 50_000 < compared["student_parameters"] < 1_000_000  # vs 134.5 M in the teacher
    for s in students.values():
        curve = [loss for _, loss in s["curve"]]
        assert curve[-1] < curve[0] - 0.5  # from about ln(vocab) down
        assert len(s["sample"]) == 40


def test_each_student_is_best_on_text_like_its_own(compared):
    raw, teacher = compared["students"]["raw"], compared["students"]["teacher"]
    assert teacher["loss_on_teacher"] < raw["loss_on_teacher"]


def test_the_teacher_text_is_the_teachers_and_longer_than_the_raw_corpus():
    if not distill.TEACHER_FILE.is_file():
        pytest.skip("teacher text not generated")
    assert len(distill.shipped_teacher_text()) > len(distill.raw_corpus())
