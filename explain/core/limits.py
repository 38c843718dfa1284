"""Every bound on user input and on the work one request may cause, in one place, one name each.

Pages, the CLI and their messages quote these, so a number the user reads is the number enforced.
Grouped by chapter; a name never repeats with another value. Leaves out enforcing them (see
`core/text_input.py` and each chapter's functions) and display settings that bound no input
(how many points a curve is thinned to, where a colour scale saturates).
"""

# Text, the analysis pass and decoding
MAX_TEXT_CHARS = 20_000  # characters accepted from any text box; longer text is cut
MAX_ANALYSIS_TOKENS = 256  # tokens one model analysis looks at (attention is T x T per head)
MAX_URL_TEXT_CHARS = 1_000  # characters of text mirrored into a shareable URL
MAX_TOP_K = 100  # candidates a next-token listing returns
MAX_NEW_TOKENS = 200  # no generation on the page or the CLI goes beyond this
MAX_CONTEXT_TOKENS = 1024  # prompt + generated tokens fed to the model; older tokens are dropped first
MAX_REPLY_TOKENS = 200  # upper bound on any reply, so a demo never runs away
MAX_TEMPERATURE = 2.0  # the slider's upper end; beyond it the distribution is close to uniform noise

# Tokenization
MAX_TIKTOKEN_RUN = 400  # characters without a space encoded at once by the pure-Python GPT-4 tokenizers
MAX_CHIPS = 1_500  # chips drawn per tokenizer; counts always cover the whole text
MAX_IDS = 2_000  # ids accepted in one pasted list
MAX_BYTE_ROWS = 200  # characters listed in the UTF-8 table
BPE_MAX_CORPUS_BYTES = 1_000_000  # pasted or uploaded training text is cut to 1 MB (UTF-8 bytes)
MAX_MERGES = 2_000  # merges one training run may ask for
BPE_MAX_WORD_CHARS = 100  # a longer run without spaces is cut into pieces this long (one 200 KB "word" took 39 s)
BPE_TIME_LIMIT_S = 20.0  # our step-by-step merge loop stops after this long, on the page and in the CLI

# Embeddings
MAX_MAP_TOKENS = 10_000  # the largest map the page offers
MAX_QUERY_CHARS = 100  # a word or short phrase typed in a search box
MAX_ITEMS = 40  # words or sentences compared at once in the similarity view (a 40 × 40 heatmap)
MAX_ITEM_CHARS = 300  # characters per word or sentence there
MAX_TSNE = 5000  # t-SNE beyond this takes minutes on a laptop CPU
MAX_CANDIDATES = 20_000  # lines read from --candidates
MAX_CANDIDATE_BYTES = 5_000_000  # size of --candidates read at most

# Retrieval (the embeddings page's vector search and RAG)
MAX_UPLOAD_BYTES = 1_000_000  # one uploaded file, before decoding
MAX_DOCUMENTS = 10  # files indexed at once
MAX_CHUNKS = 2_000  # chunks indexed at once (about 1 MB of text)
CHUNK_CHARS = 500  # a chunk's length at most, in characters
MAX_K = 8  # chunks retrieved at most
MAX_QUESTION_CHARS = 500  # a question longer than this is cut
MAX_RAG_CONTEXT_TOKENS = 768  # retrieved text pasted into the prompt, in tokens (500 emoji are ~2,000 tokens)

# Attention
MAX_VIEW_TOKENS = 64  # tokens the heatmap and head view draw (the grid uses every analysed token)

# Next token
MAX_LENS_POSITIONS = 16  # positions (columns) the grid shows: the last ones of the text
MAX_AUTO_TOKENS = 50  # bound of one "generate N tokens" run
MAX_CHAT_CHARS = 500  # one chat message
MAX_CHAT_TURNS = 6  # messages kept in the conversation (older ones are dropped)

# Classroom
MAX_MESSAGE_CHARS = 500  # longer messages are cut: a rule reads a sentence, not an essay
MAX_WIDGET_CHARS = 200  # characters in any tour text box: a sentence, not a document
MAX_STRIP_CHARS = 120  # the live strip's sentence (home page, tour step 1): its heatmap stays readable
MAX_WORDS = 8  # words compared in the embeddings widget
MAX_SESSIONS = 100  # more than a classroom; beyond this, use a real load-testing tool
MAX_BATCH_TOKENS = 1024  # padded tokens of one batched analysis pass (texts x longest); bounds its attention memory
MAX_DECODE_BATCH = 16  # generation steps of different sessions run in one padded pass (core/decode_batching.py)
MAX_QUEUE = 120  # requests waiting for one model at once; beyond this a page says "busy" instead of waiting
MAX_CACHED_FIGURES = 128  # figure specs kept for all sessions (ui/figure_cache.py); largest 0.6 MB: under ~80 MB

# Training
TRAIN_MAX_STEPS = 20_000  # bound on one run's steps (the page and the CLI say it)
MAX_BATCH = 128  # bound on sequences per batch
MAX_PARAMETERS = 12_000_000  # larger models would not train visibly on a classroom CPU
TRAIN_MAX_CORPUS_BYTES = 5_000_000  # bound on a user's text or upload (5 MB)
MIN_CORPUS_CHARS = 1_000  # shorter texts leave too little to train and validate on
OWN_TEXT_CHARS = 200_000  # pasted training text; files may be up to TRAIN_MAX_CORPUS_BYTES
MAX_CHAR_VOCAB = 512  # distinct characters kept as tokens; rarer ones become <unk>

# Bigger models (the scale page: mixture of experts, scaling, cost)
MOE_EXPERTS_RANGE = (2, 16)  # experts per layer of the tiny MoE; top-k is 1..experts
MOE_MAX_STEPS = 2_000  # steps of one MoE-vs-dense run (each step trains both models)
MOE_MAX_SENTENCE_CHARS = 200  # the sentence whose routing is shown
SCALING_SIZES_RANGE = (3, 5)  # model sizes in one scaling sweep
SCALING_TOKENS_RANGE = (20_000, 2_000_000)  # training tokens per size in a sweep (the same for every size)
COST_MAX_FLOPS_PER_S = 1e19  # a --flops-per-s beyond this is a typo (the largest GPUs give about 1e15-1e16)

# Fine-tuning
LORA_MAX_STEPS = 400  # bound on one run's steps (the page and the CLI say it)
MAX_DATA_BYTES = 1_000_000  # bound on a dialogue file

DISTILL_MIN_STEPS = 50  # the distillation slider's range, also read from a shared link
DISTILL_MAX_STEPS = 1_000

# Background jobs
MAX_UMAP_SECONDS = 600  # one UMAP layout in its worker process (8-25 s typical on 2 cores; first compile more)
MAX_JOB_SECONDS = 30 * 60  # a job never holds a slot longer than this, paused or not
MAX_RUNS_BOUND = 16  # LLM_EXPLAINER_MAX_TRAINING_RUNS is clamped to 1..this

# Anatomy
MAX_TARGET_CHARS = 40  # the target token typed on the anatomy page
MAX_ANATOMY_TOKENS = 128  # tokens the hooked pass decomposes (it keeps 2 x L x T x D floats)
MAX_NEURONS_TOP = 50  # neurons one listing returns
MAX_NEURON_TOKENS = 10  # tokens listed as promoted or suppressed per neuron
MAX_ATTRIBUTION_TOKENS = 64  # tokens attributed (occlusion runs one pass per token)
MAX_IG_STEPS = 256  # integrated-gradients steps (one forward and backward pass each)
MAX_SWEEP_TOKENS = 64  # tokens of a text whose heads are ablated one by one (L x H passes)
MAX_UPCAST_ELEMENTS = 4_194_304  # low-precision weights upcast to float32 at once in the anatomy's view (16 MB)

# Live class (the class database)
CLASS_CODE_LENGTH = 6  # characters of a join code (31-letter alphabet: about 887 million codes)
MAX_NICKNAME_CHARS = 32  # a student's nickname on the projector
MAX_CLASS_STUDENTS = 200  # students one class admits; the next one is told the class is full
CLASS_HOURS = 4.0  # a class ends by itself this many hours after it starts (LLM_EXPLAINER_CLASS_HOURS)
MAX_CLASS_HOURS = 24.0  # the most LLM_EXPLAINER_CLASS_HOURS may ask for
MAX_CLASS_SUBMISSIONS = 60  # answers and texts one session may send per minute; more are refused with a message
MAX_CLASS_JOINS = 10  # join attempts (right or wrong code) one session may make per minute
CLASS_REFRESH_S = 2  # seconds between refreshes of the projector's board and of a following student's step
MAX_LIVE_CLASSES = 500  # classes running on one database at once; beyond this "Start a class" says so
MAX_CLASS_STARTS = 5  # classes one session may start per minute

# From predictor to assistant
PREFER_MAX_STEPS = 200  # bound on one DPO run's steps (the page and the CLI say it)
PREFER_MAX_BYTES = 1_000_000  # bound on a preference-pairs file (JSONL)
PREFER_MAX_PAIRS = 2_000  # pairs read from one file at most
PREFER_MIN_PAIRS = 5  # fewer leave nothing to hold out
PREFER_MAX_FIELD_CHARS = 2_000  # characters of one prompt, chosen or rejected answer
PREFER_MAX_TOKENS = 96  # each prompt + answer is cut to this many tokens (template included)
REWARD_MAX_N = 8  # answers sampled for best-of-n
REWARD_MAX_QUESTION_CHARS = 300  # the question the reward model's candidates answer
BIAS_MAX_TEMPLATE_CHARS = 120  # the bias template typed on the page or given to the CLI
SELFSUP_MAX_TOKENS = 64  # tokens of the user's text shown as training pairs

# What comes next (explain/frontier/)
NEEDLE_MAX_TOKENS = (
    4096  # longest haystack the needle test builds (the model's own window is 8,192; eager attention is T x T)
)
NEEDLE_MAX_LENGTHS = 6  # haystack lengths in one run
NEEDLE_MAX_DEPTHS = 5  # depths per length (0 = start of the text, 1 = its end)
NEEDLE_ANSWER_TOKENS = 12  # greedy tokens of each needle answer (the value is a 4-digit number)
REASON_DIRECT_TOKENS = 32  # greedy tokens of a direct answer
REASON_STEP_TOKENS = 160  # greedy tokens of a "think step by step" answer
REASON_MAX_PROBLEMS = 40  # problems answered in one run
VISION_MAX_STEPS = 2_000  # training steps of the tiny vision transformer
MAX_IMAGE_BYTES = 2_000_000  # one uploaded picture, before decoding
MAX_IMAGE_PIXELS = 4_000_000  # width x height of an uploaded picture (2,000 x 2,000)
