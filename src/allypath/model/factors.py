"""What moves men between stages (docs/architecture.md): barriers, masculine norms, enablers, and the
interventions HR can use, with HR's three diagnostic questions and the personal turning points.

Each factor names the instrument construct that measures it, so scoring and the action plan can go
from a group's scores to the interventions that tackle its weakest factors.
"""

from __future__ import annotations

from dataclasses import dataclass

from allypath.model.text import Text

__all__ = [
    "BARRIERS",
    "DIAGNOSTIC_QUESTIONS",
    "ENABLERS",
    "FACTORS",
    "FACTOR_KINDS",
    "INTERVENTIONS",
    "NORMS",
    "RESEARCH_ENABLERS",
    "TURNING_POINTS",
    "DiagnosticQuestion",
    "Factor",
    "Intervention",
    "TurningPoint",
    "factor",
    "factor_for_construct",
    "intervention",
]

FACTOR_KINDS = ("barrier", "norm", "enabler")
# The four enablers the research says HR can lead; an intervention may put one of them into practice.
RESEARCH_ENABLERS = ("scenario_training", "ally_circles", "leadership_visibility", "recognition")
_ALL_STAGES = (1, 2, 3, 4)


def _t(*, en: str, fr: str, ar: str) -> Text:
    return Text({"en": en, "fr": fr, "ar": ar})


@dataclass(frozen=True, slots=True)
class Factor:
    """A barrier, norm or enabler, measured by the instrument construct ``construct``.

    For barriers and norms a higher construct score means a stronger obstacle, except
    ``low_policy_awareness``, whose construct (``knowledge_claimed``) is a barrier when LOW.
    """

    key: str
    kind: str
    construct: str
    label: Text
    description: Text
    personal_tips: tuple[Text, ...]
    interventions: tuple[str, ...]

    def __post_init__(self) -> None:
        if self.kind not in FACTOR_KINDS:
            raise ValueError(f"factor {self.key!r}: kind must be one of {FACTOR_KINDS}, got {self.kind!r}")


@dataclass(frozen=True, slots=True)
class Intervention:
    """Something HR can offer; ``stages`` are the stages it suits best."""

    key: str
    label: Text
    description: Text
    stages: tuple[int, ...]
    enabler: str | None = None

    def __post_init__(self) -> None:
        if not self.stages or not set(self.stages) <= set(_ALL_STAGES):
            raise ValueError(f"intervention {self.key!r}: stages must be within 1-4, got {self.stages}")
        if self.enabler is not None and self.enabler not in RESEARCH_ENABLERS:
            raise ValueError(
                f"intervention {self.key!r}: enabler must be one of {RESEARCH_ENABLERS} or None, "
                f"got {self.enabler!r}"
            )


@dataclass(frozen=True, slots=True)
class DiagnosticQuestion:
    """One of HR's diagnostic questions, answered by the scores of ``constructs``."""

    key: str
    text: Text
    constructs: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class TurningPoint:
    """A personal experience that often moves men towards allyship."""

    key: str
    label: Text


BARRIERS: tuple[Factor, ...] = (
    Factor(
        key="uncertainty",
        kind="barrier",
        construct="barrier_uncertainty",
        label=_t(
            en="Not knowing how to take part",
            fr="Ne pas savoir comment s'impliquer",
            ar="عدم معرفة كيفية المشاركة",
        ),
        description=_t(
            en="Uncertainty about what allyship looks like in practice and where to start.",
            fr=(
                "Une incertitude sur ce que l'engagement pour l'égalité signifie concrètement et par où "
                "commencer."
            ),
            ar="عدم الوضوح بشأن ما تعنيه المناصرة عمليًا ومن أين تبدأ.",
        ),
        personal_tips=(
            _t(
                en="Start with one small, concrete habit, such as crediting ideas accurately in meetings.",
                fr=(
                    "Commencez par une petite habitude concrète, comme attribuer correctement les idées en "
                    "réunion."
                ),
                ar="ابدأ بعادة صغيرة وملموسة، مثل نسبة الأفكار إلى أصحابها بدقة في الاجتماعات.",
            ),
            _t(
                en="Ask your manager or HR which ways to get involved exist, and pick the easiest one.",
                fr=(
                    "Demandez à votre responsable ou aux RH quelles façons de s'impliquer existent, et "
                    "choisissez la plus simple."
                ),
                ar="اسأل مسؤولك المباشر أو إدارة الموارد البشرية عن سبل المشاركة المتاحة، واختر أسهلها.",
            ),
        ),
        interventions=(
            "structured_pathways",
            "scenario_training",
            "informal_content",
            "policy_communication",
        ),
    ),
    Factor(
        key="fear",
        kind="barrier",
        construct="barrier_fear",
        label=_t(
            en="Fear of saying the wrong thing",
            fr="La peur de commettre une maladresse",
            ar="الخوف من قول ما لا يليق",
        ),
        description=_t(
            en="Worry that words or actions will be misread, so that staying silent feels safer.",
            fr=(
                "La crainte que ses paroles ou ses actes soient mal interprétés, si bien que le silence "
                "paraît plus sûr."
            ),
            ar="القلق من أن يُساء فهم الأقوال أو الأفعال، فيبدو الصمت خيارًا أكثر أمانًا.",
        ),
        personal_tips=(
            _t(
                en="A genuine question is rarely misread: when in doubt, ask rather than stay silent.",
                fr=(
                    "Une question sincère est rarement mal comprise : dans le doute, demandez plutôt que de "
                    "vous taire."
                ),
                ar="نادرًا ما يُساء فهم السؤال الصادق: عند الشك، اسأل بدلًا من أن تصمت.",
            ),
            _t(
                en="Rehearse what you might say in a typical situation with a peer you trust.",
                fr=(
                    "Entraînez-vous avec une personne de confiance à ce que vous pourriez dire dans une "
                    "situation type."
                ),
                ar="تدرّب مع زميل تثق به على ما يمكنك قوله في موقف معتاد.",
            ),
            _t(
                en="If you get it wrong, a brief acknowledgement and thanks for the feedback are enough.",
                fr=(
                    "Si vous vous trompez, il suffit de le reconnaître brièvement et de remercier pour le "
                    "retour."
                ),
                ar="إذا أخطأت، يكفي أن تعترف بذلك باختصار وتشكر من نبّهك.",
            ),
        ),
        interventions=("safe_spaces", "scenario_training", "reflective_dialogue"),
    ),
    Factor(
        key="unwelcome",
        kind="barrier",
        construct="barrier_unwelcome",
        label=_t(
            en="Unsure that support is welcome",
            fr="Un doute sur l'accueil réservé à son soutien",
            ar="الشك في أن الدعم مُرحَّب به",
        ),
        description=_t(
            en="Feeling left out of gender-equity efforts, or unsure whether men's involvement is wanted.",
            fr=(
                "Le sentiment d'être tenu à l'écart des actions pour l'égalité, ou de ne pas savoir si la "
                "participation des hommes est souhaitée."
            ),
            ar="الشعور بالإقصاء من جهود المساواة، أو عدم التأكد من أن مشاركة الرجال مرغوب فيها.",
        ),
        personal_tips=(
            _t(
                en="Go to one open event and notice how you are actually received.",
                fr=(
                    "Participez à un événement ouvert à tous et observez l'accueil qui vous est réellement "
                    "réservé."
                ),
                ar="احضر فعالية مفتوحة للجميع، ولاحظ كيف يُستقبَل حضورك فعلًا.",
            ),
            _t(
                en="Ask the organisers directly how men can best contribute.",
                fr=(
                    "Demandez directement aux organisatrices et organisateurs comment les hommes peuvent le "
                    "mieux contribuer."
                ),
                ar="اسأل المنظّمين مباشرةً عن أفضل طريقة يمكن أن يسهم بها الرجال.",
            ),
        ),
        interventions=("ally_circles", "leadership_visibility", "safe_spaces"),
    ),
    Factor(
        key="expectations",
        kind="barrier",
        construct="barrier_expectations",
        label=_t(en="Unclear expectations", fr="Des attentes floues", ar="عدم وضوح التوقعات"),
        description=_t(
            en="Not knowing what the organisation, or colleagues, expect of allies.",
            fr="Ne pas savoir ce que l'organisation, ou les collègues, attendent des alliés.",
            ar="عدم معرفة ما تتوقعه المؤسسة أو الزملاء من المناصرين.",
        ),
        personal_tips=(
            _t(
                en="Ask your manager what allyship would look like in your role.",
                fr=(
                    "Demandez à votre responsable à quoi ressemblerait l'engagement pour l'égalité dans "
                    "votre poste."
                ),
                ar="اسأل مسؤولك المباشر عن شكل المناصرة المطلوب في دورك.",
            ),
            _t(
                en="Set yourself one concrete expectation and review it after a month.",
                fr="Fixez-vous une attente concrète et faites le point au bout d'un mois.",
                ar="حدّد لنفسك توقعًا ملموسًا واحدًا، وراجعه بعد شهر.",
            ),
        ),
        interventions=("policy_communication", "structured_pathways", "recognition_in_promotion"),
    ),
    Factor(
        key="low_policy_awareness",
        kind="barrier",
        construct="knowledge_claimed",
        label=_t(
            en="Low awareness of policies",
            fr="Une méconnaissance des politiques",
            ar="ضعف الإلمام بالسياسات",
        ),
        description=_t(
            en=(
                "Not knowing the organisation's gender-equity policies (leave, flexibility, "
                "reporting), which makes them hard to use or to point others to."
            ),
            fr=(
                "Ne pas connaître les politiques d'égalité de l'organisation (congés, flexibilité, "
                "signalement), ce qui empêche d'y recourir ou d'y orienter d'autres personnes."
            ),
            ar=(
                "عدم معرفة سياسات المؤسسة المتعلقة بالمساواة (الإجازات، والمرونة، والإبلاغ)، مما "
                "يصعّب الاستفادة منها أو توجيه الآخرين إليها."
            ),
        ),
        personal_tips=(
            _t(
                en=(
                    "Spend fifteen minutes reading your organisation's parental-leave and flexible-work "
                    "policies."
                ),
                fr=(
                    "Prenez un quart d'heure pour lire les politiques de votre organisation sur le congé "
                    "parental et le travail flexible."
                ),
                ar="خصّص ربع ساعة لقراءة سياسات مؤسستك بشأن إجازة الوالدين والعمل المرن.",
            ),
            _t(
                en="Find out where you would point a colleague who raises a concern.",
                fr=(
                    "Renseignez-vous sur l'interlocuteur vers qui orienter une ou un collègue qui signale un "
                    "problème."
                ),
                ar="اعرف الجهة التي يمكنك توجيه زميل أو زميلة إليها عند الإبلاغ عن مشكلة.",
            ),
        ),
        interventions=("policy_communication", "informal_content"),
    ),
)

NORMS: tuple[Factor, ...] = (
    Factor(
        key="always_available",
        kind="norm",
        construct="norm_always_available",
        label=_t(
            en="The always-available norm",
            fr="La norme de disponibilité permanente",
            ar="عُرف الجاهزية الدائمة",
        ),
        description=_t(
            en=(
                "The expectation that committed people are reachable at all hours and put work "
                "before family, which penalises caregiving for everyone."
            ),
            fr=(
                "L'idée qu'une personne engagée est joignable à toute heure et fait passer le "
                "travail avant la famille, ce qui pénalise chacun et chacune dans son rôle d'aidant."
            ),
            ar=(
                "التوقع بأن الملتزمين متاحون في كل الأوقات ويقدّمون العمل على الأسرة، وهو ما يُلحق "
                "الضرر بمسؤوليات الرعاية لدى الجميع."
            ),
        ),
        personal_tips=(
            _t(
                en="Block one protected time slot in your calendar each week and keep it.",
                fr="Réservez chaque semaine un créneau protégé dans votre agenda et tenez-vous-y.",
                ar="خصّص كل أسبوع فترة محمية في تقويمك والتزم بها.",
            ),
            _t(
                en="Say openly when you leave for a family commitment.",
                fr="Dites ouvertement quand vous partez pour un engagement familial.",
                ar="أعلن بوضوح حين تغادر من أجل التزام عائلي.",
            ),
        ),
        interventions=("flexible_work_modelling", "leadership_visibility", "policy_communication"),
    ),
    Factor(
        key="hiding_vulnerability",
        kind="norm",
        construct="norm_hiding_vulnerability",
        label=_t(
            en="Hiding vulnerability",
            fr="Cacher sa vulnérabilité",
            ar="إخفاء مواطن الضعف",
        ),
        description=_t(
            en=(
                "The expectation that men should not show doubt, stress or a need for help at "
                "work, which makes learning and asking harder."
            ),
            fr=(
                "L'idée qu'un homme ne doit pas montrer ses doutes, son stress ou son besoin "
                "d'aide au travail, ce qui rend plus difficile d'apprendre et de demander."
            ),
            ar=(
                "التوقع بألّا يُظهر الرجال الشك أو التوتر أو الحاجة إلى المساعدة في العمل، مما "
                "يجعل التعلّم وطرح الأسئلة أصعب."
            ),
        ),
        personal_tips=(
            _t(
                en="Share one thing you are still learning with a colleague you trust.",
                fr="Confiez à une personne de confiance une chose que vous êtes encore en train d'apprendre.",
                ar="شارك زميلًا تثق به أمرًا واحدًا لا تزال تتعلّمه.",
            ),
            _t(
                en="Notice when you hold back a question, and ask it anyway.",
                fr="Repérez les moments où vous retenez une question, et posez-la malgré tout.",
                ar="انتبه إلى اللحظات التي تحجم فيها عن طرح سؤال، ثم اطرحه رغم ذلك.",
            ),
        ),
        interventions=("reflective_dialogue", "ally_circles", "safe_spaces", "leadership_visibility"),
    ),
)

ENABLERS: tuple[Factor, ...] = (
    Factor(
        key="safety",
        kind="enabler",
        construct="enabler_safety",
        label=_t(en="Safety to explore", fr="La sécurité pour explorer", ar="الأمان للاستكشاف"),
        description=_t(
            en="Men feel safe to explore their own biases and uncertainties without fear of blame.",
            fr=(
                "Les hommes se sentent en sécurité pour explorer leurs biais et leurs incertitudes sans "
                "crainte d'être blâmés."
            ),
            ar="يشعر الرجال بالأمان لاستكشاف تحيّزاتهم وشكوكهم دون خوف من اللوم.",
        ),
        personal_tips=(
            _t(
                en=(
                    "Choose a setting where you feel safe, such as a peer group, to reflect on one bias you "
                    "have noticed in yourself."
                ),
                fr=(
                    "Choisissez un cadre où vous vous sentez en confiance, comme un groupe de pairs, pour "
                    "réfléchir à un biais que vous avez repéré chez vous."
                ),
                ar="اختر إطارًا تشعر فيه بالأمان، كمجموعة من الأقران، للتأمل في تحيّز لاحظته في نفسك.",
            ),
            _t(
                en="Offer others the same safety by answering their questions without judgement.",
                fr="Offrez la même sécurité aux autres en répondant à leurs questions sans jugement.",
                ar="امنح الآخرين الأمان نفسه بالإجابة عن أسئلتهم دون إصدار أحكام.",
            ),
        ),
        interventions=("safe_spaces", "reflective_dialogue"),
    ),
    Factor(
        key="acknowledgement",
        kind="enabler",
        construct="enabler_acknowledgement",
        label=_t(
            en="Men's own experience acknowledged",
            fr="La reconnaissance du vécu des hommes",
            ar="الاعتراف بتجربة الرجال",
        ),
        description=_t(
            en=(
                "Ways to engage that recognise men's own experience of gender norms, such as the "
                "pressure to be always available."
            ),
            fr=(
                "Des façons de s'impliquer qui reconnaissent le vécu des hommes face aux normes de "
                "genre, comme la pression d'être toujours disponible."
            ),
            ar=(
                "سبل للمشاركة تعترف بتجربة الرجال الخاصة مع الأعراف المرتبطة بالنوع الاجتماعي، "
                "مثل الضغط ليكونوا متاحين دائمًا."
            ),
        ),
        personal_tips=(
            _t(
                en="Reflect on one gender norm that has shaped your own career or family life.",
                fr=(
                    "Réfléchissez à une norme de genre qui a marqué votre propre carrière ou votre vie de "
                    "famille."
                ),
                ar="تأمّل في عُرف واحد مرتبط بالنوع الاجتماعي أثّر في مسيرتك المهنية أو حياتك الأسرية.",
            ),
            _t(
                en=(
                    "Share that experience in a dialogue session: it helps others see what is at stake for "
                    "everyone."
                ),
                fr=(
                    "Partagez cette expérience lors d'un temps d'échange : cela aide les autres à voir ce "
                    "qui est en jeu pour tout le monde."
                ),
                ar="شارك هذه التجربة في جلسة حوار، فذلك يساعد الآخرين على إدراك ما هو على المحك للجميع.",
            ),
        ),
        interventions=("reflective_stories", "reflective_dialogue", "ally_circles"),
    ),
    Factor(
        key="support",
        kind="enabler",
        construct="enabler_support",
        label=_t(en="Organisational support", fr="Le soutien de l'organisation", ar="دعم المؤسسة"),
        description=_t(
            en="Allyship is supported with time, resources and clear channels.",
            fr="L'engagement pour l'égalité est soutenu par du temps, des moyens et des canaux clairs.",
            ar="تحظى المناصرة بالدعم من خلال الوقت والموارد والقنوات الواضحة.",
        ),
        personal_tips=(
            _t(
                en="Use the time and resources on offer: ask whether ally activities can count as work time.",
                fr=(
                    "Profitez du temps et des moyens proposés : demandez si les activités d'engagement "
                    "peuvent compter comme temps de travail."
                ),
                ar="استفد من الوقت والموارد المتاحة، واسأل إن كان يمكن احتساب أنشطة المناصرة ضمن وقت العمل.",
            ),
            _t(
                en="Join an ally circle or network so that the effort is shared.",
                fr="Rejoignez un cercle ou un réseau d'alliance pour partager l'effort.",
                ar="انضمّ إلى حلقة أو شبكة للمناصرة ليكون الجهد مشتركًا.",
            ),
        ),
        interventions=("ally_circles", "peer_mentoring", "structured_pathways"),
    ),
    Factor(
        key="leadership",
        kind="enabler",
        construct="enabler_leadership",
        label=_t(
            en="Allyship modelled by leaders",
            fr="Des dirigeants et dirigeantes qui montrent l'exemple",
            ar="قادة يجسّدون المناصرة",
        ),
        description=_t(
            en="Leaders show allyship through their behaviour, not only their messages.",
            fr=(
                "Les dirigeants et dirigeantes montrent leur engagement par leurs actes, pas seulement par "
                "leurs messages."
            ),
            ar="يُظهر القادة المناصرة من خلال سلوكهم، لا من خلال رسائلهم فقط.",
        ),
        personal_tips=(
            _t(
                en="Think of a leader whose allyship you respect and ask how they got started.",
                fr=(
                    "Pensez à une personne dirigeante dont vous respectez l'engagement et demandez-lui "
                    "comment elle a commencé."
                ),
                ar="فكّر في أحد القادة ممن تحترم مناصرتهم، واسأله كيف بدأ.",
            ),
            _t(
                en="If you lead people, make one ally behaviour visible to your team.",
                fr="Si vous encadrez une équipe, rendez visible à ses yeux un comportement d'allié.",
                ar="إذا كنت تقود فريقًا، فاجعل سلوكًا واحدًا من سلوكيات المناصرة ظاهرًا أمامه.",
            ),
        ),
        interventions=("leadership_visibility", "leadership_roles"),
    ),
    Factor(
        key="recognition",
        kind="enabler",
        construct="enabler_recognition",
        label=_t(
            en="Allyship recognised and rewarded",
            fr="Un engagement reconnu et valorisé",
            ar="مناصرة معترف بها ومُقدَّرة",
        ),
        description=_t(
            en="Allyship counts in development plans, appraisals and promotion criteria.",
            fr=(
                "L'engagement pour l'égalité compte dans les plans de développement, les évaluations et les "
                "critères de promotion."
            ),
            ar="تُحتسب المناصرة في خطط التطوير وتقييمات الأداء ومعايير الترقية.",
        ),
        personal_tips=(
            _t(
                en="Add one allyship goal to your development plan.",
                fr="Ajoutez un objectif lié à l'égalité à votre plan de développement.",
                ar="أضف هدفًا واحدًا يتعلق بالمناصرة إلى خطة تطويرك.",
            ),
            _t(
                en="Mention your allyship contributions in your next appraisal conversation.",
                fr="Évoquez vos contributions à l'égalité lors de votre prochain entretien d'évaluation.",
                ar="اذكر مساهماتك في المناصرة خلال محادثة تقييم الأداء القادمة.",
            ),
        ),
        interventions=("recognition_in_promotion", "leadership_roles"),
    ),
)

FACTORS: tuple[Factor, ...] = BARRIERS + NORMS + ENABLERS

INTERVENTIONS: tuple[Intervention, ...] = (
    Intervention(
        key="informal_content",
        label=_t(en="Short informal content", fr="Contenus courts et informels", ar="محتوى قصير غير رسمي"),
        description=_t(
            en=(
                "Brief stories, videos and posts in everyday channels that invite curiosity without asking "
                "for commitment."
            ),
            fr=(
                "De courts récits, vidéos et messages dans les canaux du quotidien, qui éveillent la "
                "curiosité sans exiger d'engagement."
            ),
            ar="قصص ومقاطع ومنشورات قصيرة عبر قنوات التواصل اليومية تثير الفضول دون أن تطلب التزامًا.",
        ),
        stages=(1,),
    ),
    Intervention(
        key="reflective_stories",
        label=_t(en="Reflective stories", fr="Des récits qui font réfléchir", ar="قصص تحفّز على التأمل"),
        description=_t(
            en=(
                "Men's first-hand accounts of how gender norms, or a turning point such as a "
                "daughter or a woman leader, changed their view, shared in talks or internal media."
            ),
            fr=(
                "Des hommes racontent comment les normes de genre, ou un tournant comme une fille "
                "ou une dirigeante, ont changé leur regard, lors de conférences ou dans les médias "
                "internes."
            ),
            ar=(
                "روايات مباشرة لرجال عن كيف غيّرت الأعراف المرتبطة بالنوع الاجتماعي، أو نقطة تحوّل "
                "كابنة أو قائدة، نظرتهم، تُعرض في لقاءات أو وسائل الإعلام الداخلية."
            ),
        ),
        stages=(1, 2),
    ),
    Intervention(
        key="safe_spaces",
        label=_t(en="Safe spaces", fr="Des espaces sûrs", ar="مساحات آمنة"),
        description=_t(
            en=(
                "Confidential, facilitated sessions where men can voice concerns, ask naive "
                "questions and challenge assumptions without being judged."
            ),
            fr=(
                "Des séances confidentielles et animées où les hommes peuvent exprimer leurs "
                "préoccupations, poser des questions naïves et remettre en cause des idées reçues "
                "sans être jugés."
            ),
            ar=(
                "جلسات سرّية مُيسَّرة يستطيع فيها الرجال التعبير عن مخاوفهم وطرح أسئلة بسيطة "
                "ومساءلة الافتراضات دون أن تُطلَق عليهم أحكام."
            ),
        ),
        stages=(2,),
    ),
    Intervention(
        key="reflective_dialogue",
        label=_t(en="Reflective dialogue", fr="Le dialogue réflexif", ar="الحوار التأملي"),
        description=_t(
            en=(
                "Facilitated conversations that connect personal experience of gender norms with equity at "
                "work."
            ),
            fr=(
                "Des échanges animés qui relient le vécu personnel des normes de genre à l'égalité au "
                "travail."
            ),
            ar=(
                "محادثات مُيسَّرة تربط التجربة الشخصية مع الأعراف المرتبطة بالنوع الاجتماعي بالمساواة في العمل."
            ),
        ),
        stages=(2, 3),
    ),
    Intervention(
        key="scenario_training",
        label=_t(
            en="Context-specific scenario training",
            fr="Formation par mises en situation contextualisées",
            ar="تدريب على مواقف من سياق العمل",
        ),
        description=_t(
            en=(
                "Practice on realistic situations from their own work (meetings, hiring, flexible "
                "work, social events): what to say and do, and how to recover from a misstep."
            ),
            fr=(
                "S'exercer sur des situations réalistes tirées de son propre travail (réunions, "
                "recrutement, travail flexible, moments conviviaux) : que dire, que faire, et "
                "comment se rattraper après une maladresse."
            ),
            ar=(
                "التدرّب على مواقف واقعية من بيئة العمل (الاجتماعات، والتوظيف، والعمل المرن، "
                "واللقاءات الاجتماعية): ماذا يُقال ويُفعل، وكيف يُتدارَك الخطأ."
            ),
        ),
        stages=(2, 3),
        enabler="scenario_training",
    ),
    Intervention(
        key="structured_pathways",
        label=_t(en="Structured learning pathways", fr="Des parcours structurés", ar="مسارات تعلّم منظمة"),
        description=_t(
            en=(
                "A clear sequence of learning and action, with goals, resources and check-ins, so that "
                "awareness becomes habit."
            ),
            fr=(
                "Une progression claire d'apprentissage et d'action, avec objectifs, ressources et points "
                "d'étape, pour que la prise de conscience devienne habitude."
            ),
            ar="تسلسل واضح للتعلّم والعمل، بأهداف وموارد ومحطات متابعة، حتى يتحوّل الوعي إلى عادة.",
        ),
        stages=(3,),
    ),
    Intervention(
        key="peer_mentoring",
        label=_t(en="Peer mentoring", fr="Le mentorat entre pairs", ar="الإرشاد بين الأقران"),
        description=_t(
            en=(
                "Pairs or trios who support each other's allyship, including reverse mentoring with women "
                "colleagues."
            ),
            fr=(
                "Des binômes ou trinômes qui se soutiennent dans leur engagement, y compris par du mentorat "
                "inversé avec des collègues femmes."
            ),
            ar=(
                "ثنائيات أو مجموعات ثلاثية يدعم أفرادها بعضهم بعضًا في المناصرة، بما في ذلك الإرشاد العكسي "
                "مع الزميلات."
            ),
        ),
        stages=(3, 4),
        enabler="ally_circles",
    ),
    Intervention(
        key="ally_circles",
        label=_t(en="Ally circles", fr="Des cercles d'alliance", ar="حلقات المناصرة"),
        description=_t(
            en=(
                "Small, regular peer groups where men share experiences, practise skills and hold each other "
                "to account."
            ),
            fr=(
                "De petits groupes de pairs qui se réunissent régulièrement pour partager leurs expériences, "
                "s'exercer et se soutenir dans leurs engagements."
            ),
            ar=(
                "مجموعات صغيرة من الأقران تلتقي بانتظام لتبادل التجارب والتدرّب على المهارات ومساءلة بعضهم "
                "بعضًا."
            ),
        ),
        stages=(2, 3, 4),
        enabler="ally_circles",
    ),
    Intervention(
        key="leadership_roles",
        label=_t(en="Ally leadership roles", fr="Des rôles de leadership", ar="أدوار قيادية في المناصرة"),
        description=_t(
            en=(
                "Roles such as network lead, sponsor or facilitator, which give energised allies visibility "
                "and impact."
            ),
            fr=(
                "Des rôles d'animation de réseau, de parrainage ou de facilitation, qui donnent visibilité "
                "et impact aux personnes les plus engagées."
            ),
            ar="أدوار مثل قيادة الشبكة أو الرعاية أو التيسير، تمنح المناصرين المتحمسين حضورًا وأثرًا.",
        ),
        stages=(4,),
    ),
    Intervention(
        key="leadership_visibility",
        label=_t(
            en="Visible leadership allyship",
            fr="Un engagement visible de la direction",
            ar="مناصرة ظاهرة من القيادات",
        ),
        description=_t(
            en=(
                "Senior leaders showing allyship in what they do (sponsoring, taking leave, "
                "challenging remarks), not only in what they say."
            ),
            fr=(
                "Des dirigeantes et dirigeants qui montrent leur engagement par leurs actes "
                "(parrainer, prendre leurs congés, réagir aux remarques), pas seulement par leurs "
                "paroles."
            ),
            ar=(
                "كبار القادة يُظهرون المناصرة في أفعالهم (الرعاية، والحصول على الإجازات، والاعتراض "
                "على الملاحظات المسيئة)، لا في أقوالهم فقط."
            ),
        ),
        stages=_ALL_STAGES,
        enabler="leadership_visibility",
    ),
    Intervention(
        key="recognition_in_promotion",
        label=_t(
            en="Recognition in development and promotion",
            fr="La reconnaissance dans le développement et la promotion",
            ar="الاعتراف في التطوير والترقية",
        ),
        description=_t(
            en=(
                "Allyship written into development plans, appraisals and promotion criteria, so that it "
                "counts as real work."
            ),
            fr=(
                "L'engagement inscrit dans les plans de développement, les évaluations et les critères de "
                "promotion, pour qu'il compte comme un vrai travail."
            ),
            ar="إدراج المناصرة في خطط التطوير وتقييمات الأداء ومعايير الترقية، لتُحتسب عملًا حقيقيًا.",
        ),
        stages=(3, 4),
        enabler="recognition",
    ),
    Intervention(
        key="policy_communication",
        label=_t(en="Policy communication", fr="La communication des politiques", ar="التعريف بالسياسات"),
        description=_t(
            en=(
                "Plain-language, repeated communication of gender-equity policies (leave, "
                "flexibility, reporting routes) and of what is expected of allies."
            ),
            fr=(
                "Une communication claire et répétée des politiques d'égalité (congés, flexibilité, "
                "voies de signalement) et de ce qui est attendu des alliés."
            ),
            ar=(
                "تواصل واضح ومتكرر بشأن سياسات المساواة (الإجازات، والمرونة، وقنوات الإبلاغ) وبشأن "
                "ما هو متوقع من المناصرين."
            ),
        ),
        stages=_ALL_STAGES,
    ),
    Intervention(
        key="flexible_work_modelling",
        label=_t(
            en="Modelling flexible work",
            fr="Montrer l'exemple du travail flexible",
            ar="القدوة في العمل المرن",
        ),
        description=_t(
            en=(
                "Leaders and managers visibly using flexible work and caregiving leave, so that "
                "the always-available norm loosens for everyone."
            ),
            fr=(
                "Des responsables qui recourent ouvertement au travail flexible et aux congés "
                "familiaux, pour desserrer pour tout le monde la norme de disponibilité permanente."
            ),
            ar=(
                "قادة ومديرون يستفيدون علنًا من العمل المرن وإجازات الرعاية، ليخفّ عُرف الجاهزية "
                "الدائمة على الجميع."
            ),
        ),
        stages=_ALL_STAGES,
    ),
)

DIAGNOSTIC_QUESTIONS: tuple[DiagnosticQuestion, ...] = (
    DiagnosticQuestion(
        key="safe_to_explore",
        text=_t(
            en="Do men feel safe to explore their biases and uncertainties?",
            fr="Les hommes se sentent-ils en sécurité pour explorer leurs biais et leurs incertitudes ?",
            ar="هل يشعر الرجال بالأمان لاستكشاف تحيّزاتهم وشكوكهم؟",
        ),
        constructs=("enabler_safety",),
    ),
    DiagnosticQuestion(
        key="experience_acknowledged",
        text=_t(
            en="Are men offered ways to engage that acknowledge their own experience of gender norms?",
            fr=(
                "Propose-t-on aux hommes des façons de s'impliquer qui reconnaissent leur propre vécu des "
                "normes de genre ?"
            ),
            ar="هل تُتاح للرجال سبل للمشاركة تعترف بتجربتهم الخاصة مع الأعراف المرتبطة بالنوع الاجتماعي؟",
        ),
        constructs=("enabler_acknowledgement",),
    ),
    DiagnosticQuestion(
        key="supported_modelled_rewarded",
        text=_t(
            en="Is allyship supported, modelled and rewarded consistently?",
            fr="L'engagement pour l'égalité est-il soutenu, incarné et récompensé de façon cohérente ?",
            ar="هل تحظى المناصرة بالدعم والقدوة والمكافأة على نحو متّسق؟",
        ),
        constructs=("enabler_support", "enabler_leadership", "enabler_recognition"),
    ),
)

TURNING_POINTS: tuple[TurningPoint, ...] = (
    TurningPoint("daughter", _t(en="Having a daughter", fr="Avoir une fille", ar="أن تكون لديّ ابنة")),
    TurningPoint(
        "partner",
        _t(
            en="My partner's experience",
            fr="L'expérience de la personne qui partage ma vie",
            ar="تجربة شريكة حياتي أو شريك حياتي",
        ),
    ),
    TurningPoint(
        "colleague",
        _t(en="A woman colleague's experience", fr="L'expérience d'une collègue", ar="تجربة زميلة في العمل"),
    ),
    TurningPoint(
        "female_leader",
        _t(en="Working with a woman leader", fr="Travailler avec une dirigeante", ar="العمل مع قائدة"),
    ),
    TurningPoint("father", _t(en="Becoming a father", fr="Devenir père", ar="أن أصبح أبًا")),
    TurningPoint("other", _t(en="Something else", fr="Autre chose", ar="أمر آخر")),
)

_FACTORS_BY_KEY = {f.key: f for f in FACTORS}
_FACTORS_BY_CONSTRUCT = {f.construct: f for f in FACTORS}
_INTERVENTIONS_BY_KEY = {i.key: i for i in INTERVENTIONS}


def factor(key: str) -> Factor:
    """The barrier, norm or enabler with this key (``"fear"``, ``"always_available"``, ...)."""
    try:
        return _FACTORS_BY_KEY[key]
    except KeyError:
        raise ValueError(f"unknown factor {key!r}; known: {', '.join(_FACTORS_BY_KEY)}") from None


def factor_for_construct(construct: str) -> Factor:
    """The factor an instrument construct measures (``"barrier_fear"`` -> the ``fear`` barrier)."""
    try:
        return _FACTORS_BY_CONSTRUCT[construct]
    except KeyError:
        raise ValueError(
            f"no factor is measured by construct {construct!r}; known: {', '.join(_FACTORS_BY_CONSTRUCT)}"
        ) from None


def intervention(key: str) -> Intervention:
    """The intervention with this key (``"ally_circles"``, ``"safe_spaces"``, ...)."""
    try:
        return _INTERVENTIONS_BY_KEY[key]
    except KeyError:
        raise ValueError(f"unknown intervention {key!r}; known: {', '.join(_INTERVENTIONS_BY_KEY)}") from None
