"""A small reward model, as in RLHF: MiniLM sentence vectors and a linear head trained on preference pairs.

RLHF (Ouyang et al., 2022) first fits a reward model to people's rankings, then tunes the LLM to
earn high reward (with PPO). Here the reward model is all-MiniLM-L6-v2's vector of
"Question: ... Answer: ..." (384 numbers) times a learned weight vector w, trained in seconds with
scikit-learn's logistic regression on the Bradley-Terry objective: P(chosen beats rejected) =
sigmoid(w . (v_chosen - v_rejected)). It then scores n sampled answers to a question (best-of-n:
keep the highest). Leaves out PPO itself (the page draws the loop; DPO skips it) and a reward model
built from the LLM's own layers, which is what real systems use.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from explain.core.chat import stream_reply
from explain.core.limits import REWARD_MAX_N
from explain.core.loading import LoadedModel
from explain.core.sampling import SamplingConfig
from explain.embeddings.sentences import embed_texts

SAMPLING = SamplingConfig(temperature=1.0, top_k=50, top_p=0.95, seed=0)  # varied but sensible candidates
ANSWER_TOKENS = 40  # each candidate answer's length at most


def pair_text(prompt: str, answer: str) -> str:
    """What MiniLM reads for one (question, answer): 'Question: Hi\\nAnswer: Hello!'."""
    return f"Question: {prompt}\nAnswer: {answer}"


@dataclass
class RewardModel:
    weights: np.ndarray  # (384,) the linear head: reward = weights . MiniLM vector

    def score(self, encoder: LoadedModel, prompt: str, answers: list[str]) -> list[float]:
        """The reward of each answer to `prompt` (higher = more like the chosen answers)."""
        vectors = embed_texts(encoder, [pair_text(prompt, a) for a in answers])  # (N, 384)
        return (vectors @ self.weights).astype(float).tolist()


def train_reward_model(encoder: LoadedModel, pairs: list[dict], regularisation: float = 10.0) -> RewardModel:
    """Fit w on the pairs' vector differences, each pair both ways (label 1 for chosen - rejected,
    0 for rejected - chosen), with no intercept, so only the difference between answers counts."""
    from sklearn.linear_model import LogisticRegression

    chosen = embed_texts(encoder, [pair_text(p["prompt"], p["chosen"]) for p in pairs])
    rejected = embed_texts(encoder, [pair_text(p["prompt"], p["rejected"]) for p in pairs])
    x = np.concatenate([chosen - rejected, rejected - chosen])  # (2N, 384)
    y = np.concatenate([np.ones(len(pairs)), np.zeros(len(pairs))])
    head = LogisticRegression(C=regularisation, fit_intercept=False, max_iter=1000).fit(x, y)
    return RewardModel(head.coef_[0].astype(np.float32))


def ranking_accuracy(model: RewardModel, encoder: LoadedModel, pairs: list[dict]) -> float:
    """The share of `pairs` whose chosen answer gets a higher reward than the rejected one (chance = 0.5)."""
    wins = [np.subtract(*model.score(encoder, p["prompt"], [p["chosen"], p["rejected"]])) > 0 for p in pairs]
    return float(np.mean(wins))


def sample_answers(lm: LoadedModel, question: str, n: int, seed: int = 0) -> list[str]:
    """n answers to `question` sampled from the chat model (seeds seed, seed+1, ...), each at most ANSWER_TOKENS."""
    messages = [{"role": "user", "content": question}]
    out = []
    for i in range(max(1, min(n, REWARD_MAX_N))):
        config = SamplingConfig(SAMPLING.temperature, SAMPLING.top_k, SAMPLING.top_p, seed + i)
        out.append("".join(stream_reply(lm, messages, config, ANSWER_TOKENS)).strip())
    return out


def best_of_n(
    model: RewardModel, lm: LoadedModel, encoder: LoadedModel, question: str, n: int, seed: int = 0
) -> list[dict]:
    """[{"text", "reward"}] for n sampled answers, highest reward first: best-of-n keeps the first."""
    answers = sample_answers(lm, question, n, seed)
    rewards = model.score(encoder, question, answers)
    ranked = sorted(zip(answers, rewards), key=lambda item: -item[1])
    return [{"text": text, "reward": reward} for text, reward in ranked]
