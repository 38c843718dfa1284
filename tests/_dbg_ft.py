import threading
from conftest import app_test
from ui import lora_view
taken = threading.Semaphore(1); taken.acquire()
lora_view.slot = lambda: taken
at = app_test("pages/finetune.py")
print("--- click")
at.button(key="ft_start").click().run()
print("--- done", [w.value[:40] for w in at.warning], [w.value[:40] for w in at.get("alert")] if hasattr(at,'get') else None)
