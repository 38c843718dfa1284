"""Every bill in the pizza corpora adds up (tools/check_bills.py), and the checker can catch a wrong one."""

import json

from tools import check_bills


def test_every_bill_in_both_pizzerias_adds_up():
    assert check_bills.all_problems() == []


def test_the_checker_catches_a_wrong_bella_bill():
    text = check_bills.BELLA_FILE.read_text(encoding="utf-8")
    order = text.split("\n\n")[1]  # two marinaras and an orange juice: 2 * 6 + 2 = 14
    assert check_bills.bella_bill(order) == (14, 14)
    wrong = order.replace("That's 14 euros", "That's 15 euros")
    assert check_bills.check_bella(wrong) and "should be €14" in check_bills.check_bella(wrong)[0]


def test_the_checker_catches_a_wrong_vesuvio_total():
    said = "A medium Diavola (€9.50) and a small Margherita (€6.50): €17.00 in all."
    turn = json.dumps({"messages": [{"role": "assistant", "content": said}]}, ensure_ascii=False)
    problems = check_bills.check_vesuvio([turn])
    assert len(problems) == 1 and "should be €16.00" in problems[0]
    assert check_bills.check_vesuvio([turn.replace("€17.00", "€16.00")]) == []


def test_the_checker_reads_every_order():
    orders = check_bills.BELLA_FILE.read_text(encoding="utf-8").strip().split("\n\n")
    assert len(orders) == 153  # as assets/corpora/index.json says
    assert all(check_bills.bella_bill(order) for order in orders)
