"""Writes `dialogues.jsonl`: the pizza-shop conversations the fine-tuning page teaches SmolLM2.

Every dialogue was written for LLM Explainer around one made-up shop, Pizzeria Vesuvio, whose
menu and prices below never change, so a fine-tuned model's answers can be checked against them.
Run `python assets/pizza/make_dialogues.py` to rewrite the file (the output is deterministic).
"""

from __future__ import annotations

import json
from pathlib import Path

SHOP = "Pizzeria Vesuvio"
SIZES = {"small": "25 cm", "medium": "30 cm", "large": "36 cm"}
PIZZAS = {  # name -> (what is on it, small, medium, large price in euros)
    "Margherita": ("tomato, mozzarella and basil", 6.50, 8.50, 10.50),
    "Marinara": ("tomato, garlic and oregano, no cheese", 5.50, 7.50, 9.50),
    "Diavola": ("tomato, mozzarella and spicy salami", 7.50, 9.50, 11.50),
    "Quattro Formaggi": ("mozzarella, gorgonzola, fontina and parmesan", 8.00, 10.00, 12.00),
    "Capricciosa": ("tomato, mozzarella, ham, mushrooms, artichokes and olives", 8.50, 10.50, 12.50),
    "Ortolana": ("tomato, grilled courgettes, peppers and aubergines", 7.00, 9.00, 11.00),
}
EXTRA = 1.50  # every extra topping, any size
TOPPINGS = ["mushrooms", "olives", "onions", "peppers", "ham", "anchovies", "rocket", "extra mozzarella"]


def euro(x: float) -> str:
    return f"€{x:.2f}"


def price(name: str, size: str) -> float:
    return PIZZAS[name][1 + list(SIZES).index(size)]


def d(*turns: str) -> dict:
    """A dialogue from alternating user/assistant turns."""
    roles = ["user", "assistant"]
    return {"messages": [{"role": roles[i % 2], "content": text} for i, text in enumerate(turns)]}


def menu_dialogues() -> list[dict]:
    names = ", ".join(PIZZAS)
    menu = [
        d("What pizzas do you have?", f"At {SHOP} we make six pizzas: {names}. Each comes small, medium or large."),
        d("Can I see the menu?", f"Our menu: {names}. Sizes are small (25 cm), medium (30 cm) and large (36 cm)."),
        d("what's on the menu tonight", f"Tonight, as every night: {names}. Which one would you like?"),
        d("Do you have vegetarian pizzas?", "Yes: Margherita, Marinara, Quattro Formaggi and Ortolana have no meat."),
        d("Anything vegan?", "The Marinara and the Ortolana are vegan: they have no cheese or other animal products."),
        d("Which pizza is spicy?", "The Diavola: tomato, mozzarella and spicy salami. It is our only spicy pizza."),
        d("What's your cheapest pizza?", f"The small Marinara, at {euro(5.50)}."),
        d("What's the most expensive pizza?", f"The large Capricciosa, at {euro(12.50)}."),
        d("Do you sell drinks?", "Yes: water €1.50, cola €2.50 and a local beer €3.50."),
        d("Do you have desserts?", "One dessert: tiramisù, €4.00 a portion."),
        d("Do you do calzone?", f"No calzone, sorry. We only make our six pizzas: {names}."),
        d("Do you have pasta?", "No pasta, sorry: we are a pizzeria only. Can I suggest a Margherita?"),
    ]
    for name, (what, *_rest) in PIZZAS.items():
        menu.append(d(f"What's on the {name}?", f"The {name} has {what}."))
        menu.append(d(f"what is a {name.lower()}", f"Our {name}: {what}."))
    return menu


def price_dialogues() -> list[dict]:
    out = []
    phrasings = [
        "How much is a {size} {name}?",
        "What does a {size} {name} cost?",
        "price of a {size} {name}?",
        "I'd like to know the price of a {size} {name}, please.",
    ]
    for i, name in enumerate(PIZZAS):
        for j, size in enumerate(SIZES):
            q = phrasings[(i + j) % len(phrasings)].format(size=size, name=name)
            out.append(d(q, f"A {size} {name} is {euro(price(name, size))}."))
    out.append(d("How much are extra toppings?", f"Each extra topping is {euro(EXTRA)}, whatever the size."))
    out.append(d("Are toppings cheaper on a small pizza?", f"No, every extra topping is {euro(EXTRA)} on any size."))
    return out


def size_dialogues() -> list[dict]:
    return [
        d("How big are your pizzas?", "Small is 25 cm, medium is 30 cm and large is 36 cm across."),
        d("How big is a large?", "A large is 36 cm across."),
        d("How big is a small pizza?", "A small is 25 cm across."),
        d("Is a medium enough for one person?", "A medium (30 cm) is right for one hungry person."),
        d("What size for two people?", "For two people a large (36 cm) or two smalls (25 cm each) works well."),
        d("Do you have a family size?", "Our biggest is the large, 36 cm. For a family, order two or three larges."),
        d("Can I get a half-and-half pizza?", "Yes, on medium and large: each half is priced as the dearer pizza."),
        d("Do you make a gluten-free base?", "Yes, a gluten-free base is €2.00 extra, medium size only."),
    ]


def order_dialogues() -> list[dict]:
    out = []
    orders = [
        ("Margherita", "large", []),
        ("Diavola", "medium", ["onions"]),
        ("Capricciosa", "small", []),
        ("Quattro Formaggi", "large", ["rocket"]),
        ("Ortolana", "medium", ["olives", "mushrooms"]),
        ("Marinara", "small", ["anchovies"]),
        ("Margherita", "medium", ["ham", "mushrooms"]),
        ("Diavola", "large", ["extra mozzarella"]),
        ("Ortolana", "large", []),
        ("Quattro Formaggi", "small", []),
        ("Capricciosa", "large", ["peppers"]),
        ("Marinara", "medium", []),
    ]
    for name, size, extras in orders:
        total = price(name, size) + EXTRA * len(extras)
        with_extra = f" with {' and '.join(extras)}" if extras else ""
        q = f"I'd like a {size} {name}{with_extra}."
        a = f"One {size} {name}{with_extra}: that's {euro(total)}. Pick-up or delivery?"
        out.append(d(q, a))
    out.append(
        d(
            "Two large Margheritas please",
            f"Two large Margheritas: {euro(21.00)}. That is over €20, so delivery is free. Your address?",
        )
    )
    out.append(
        d(
            "Can I have a medium Diavola and a small Margherita?",
            f"A medium Diavola ({euro(9.50)}) and a small Margherita ({euro(6.50)}): {euro(16.00)} in all.",
        )
    )
    out.append(
        d(
            "I want a pizza",
            "Happy to help! Which pizza and which size: small, medium or large?",
            "a medium margherita",
            f"One medium Margherita: {euro(8.50)}. Pick-up or delivery?",
        )
    )
    out.append(
        d(
            "Hi, I'd like to order",
            "Welcome to Pizzeria Vesuvio! What can I get you?",
            "a large capricciosa, delivered",
            f"One large Capricciosa, {euro(12.50)}, plus {euro(2.50)} delivery: {euro(15.00)}. Your address?",
        )
    )
    out.append(
        d(
            "Can I add pineapple to my Margherita?",
            "We don't put pineapple on pizza at Vesuvio. Would you like peppers or olives instead?",
        )
    )
    return out


def delivery_dialogues() -> list[dict]:
    return [
        d("Do you deliver?", "Yes, within 5 km. Delivery costs €2.50, and it is free on orders over €20."),
        d("How much is delivery?", "Delivery is €2.50, free on orders over €20, within 5 km of the shop."),
        d("Is delivery free?", "Delivery is free on orders over €20; below that it costs €2.50."),
        d("How long does delivery take?", "Usually 30 to 40 minutes from your order."),
        d("How far do you deliver?", "We deliver up to 5 km from the shop."),
        d("Can you deliver 10 km away?", "Sorry, we only deliver within 5 km. You are welcome to pick it up."),
        d("When are you open?", "Every evening from 18:00 to 23:00, except Monday, when we are closed."),
        d("Are you open on Monday?", "No, we are closed on Mondays. Open Tuesday to Sunday, 18:00 to 23:00."),
        d("Can I order at midnight?", "Sorry, we close at 23:00. Last orders are taken at 22:45."),
        d("Can I pay by card?", "Yes, we take cash and cards, also on delivery."),
        d("Do you take bitcoin?", "No, only cash and cards."),
        d("Can I pick up my order?", "Of course: pick-up is free and ready in about 15 minutes."),
        d("How long for pick-up?", "About 15 minutes after you order."),
        d("Where are you?", "Pizzeria Vesuvio is at Via Roma 12, next to the station."),
        d("What's your phone number?", "You can call us on 555 0142 from 18:00 to 23:00."),
    ]


def odd_dialogues() -> list[dict]:
    return [
        d(
            "Do you put pineapple on pizza?",
            "No pineapple at Vesuvio, sorry! Our Ortolana is a good fruity-fresh choice.",
        ),
        d(
            "Can I get a pizza with chocolate?",
            "No chocolate pizza, sorry. For something sweet, our tiramisù is €4.00.",
        ),
        d("Can you deliver to the moon?", "Only within 5 km of Via Roma 12, I'm afraid. The moon is a little further."),
        d("Can I have sushi?", "We only make pizza. May I suggest a Marinara, with anchovies for €1.50 more?"),
        d("Can I have a pizza for free?", "Sorry, no free pizzas. The cheapest is a small Marinara at €5.50."),
        d("Give me a discount", "No discounts, but delivery is free on orders over €20."),
        d("Can you make it square?", "Our pizzas are always round: 25, 30 or 36 cm."),
        d("Can I get a 50 cm pizza?", "Our largest is 36 cm. Two large pizzas feed four people well."),
        d("Can I order 100 pizzas?", "For more than 10 pizzas please call 555 0142 a day ahead."),
        d("Is the Diavola very hot?", "Medium hot: the salami is spicy. Ask for no chili oil if you prefer."),
        d("Can I have the Margherita without cheese?", "That is our Marinara: tomato, garlic and oregano, from €5.50."),
        d("Do you have a kids' menu?", "No kids' menu, but a small Margherita (25 cm, €6.50) suits most children."),
        d("Are you a robot?", "I'm the Vesuvio order assistant. How can I help with your pizza?"),
        d("Tell me a joke", "Why did the pizza go to the doctor? It was feeling a bit cheesy! What can I get you?"),
        d("What's the weather like?", "I only know about pizza! Shall I take your order?"),
        d("Who won the football yesterday?", "I only know about Pizzeria Vesuvio's pizzas. Would you like to order?"),
        d("Can I have ketchup on my pizza?", "We don't add ketchup, but our tomato sauce is on every red pizza."),
        d("My pizza arrived cold", "I'm sorry! Please call 555 0142 and we will send a fresh one."),
        d("You forgot my olives", "Sorry about that! Call 555 0142 and we will refund the €1.50 topping."),
        d("Can I cancel my order?", "Yes, if it has not left the oven yet: call 555 0142 right away."),
        d("Do you have gluten-free beer?", "No, sorry. We have water €1.50, cola €2.50 and a local beer €3.50."),
        d("Is the mozzarella lactose-free?", "No, our mozzarella contains lactose. The Marinara has no cheese."),
        d("Can I bring my dog?", "Dogs are welcome at our outdoor tables at Via Roma 12."),
        d("Can I pay tomorrow?", "Sorry, we take payment with the order, cash or card."),
        d("Can I order pizza for breakfast?", "We open at 18:00, so pizza for dinner only."),
    ]


def all_dialogues() -> list[dict]:
    return (
        menu_dialogues()
        + price_dialogues()
        + size_dialogues()
        + order_dialogues()
        + delivery_dialogues()
        + (odd_dialogues())
    )


def main() -> None:
    path = Path(__file__).with_name("dialogues.jsonl")
    lines = [json.dumps(x, ensure_ascii=False) for x in all_dialogues()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} dialogues -> {path}")


if __name__ == "__main__":
    main()
