"""The barriers and masculine norms that hold men back (research data in three languages)."""

from __future__ import annotations

from allypath.model.factor_types import Factor, text

__all__ = ["BARRIERS", "NORMS"]

BARRIERS: tuple[Factor, ...] = (
    Factor(
        key="uncertainty",
        kind="barrier",
        construct="barrier_uncertainty",
        label=text(
            en="Not knowing how to take part",
            fr="Ne pas savoir comment s'impliquer",
            ar="عدم معرفة كيفية المشاركة",
        ),
        description=text(
            en="Uncertainty about what allyship looks like in practice and where to start.",
            fr=(
                "Une incertitude sur ce que l'engagement pour l'égalité signifie concrètement et par où "
                "commencer."
            ),
            ar="عدم الوضوح بشأن ما تعنيه المناصرة عمليًا ومن أين تبدأ.",
        ),
        personal_tips=(
            text(
                en="Start with one small, concrete habit, such as crediting ideas accurately in meetings.",
                fr=(
                    "Commencez par une petite habitude concrète, comme attribuer correctement les idées en "
                    "réunion."
                ),
                ar="ابدأ بعادة صغيرة وملموسة، مثل نسبة الأفكار إلى أصحابها بدقة في الاجتماعات.",
            ),
            text(
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
        label=text(
            en="Fear of saying the wrong thing",
            fr="La peur de commettre une maladresse",
            ar="الخوف من قول ما لا يليق",
        ),
        description=text(
            en="Worry that words or actions will be misread, so that staying silent feels safer.",
            fr=(
                "La crainte que ses paroles ou ses actes soient mal interprétés, si bien que le silence "
                "paraît plus sûr."
            ),
            ar="القلق من أن يُساء فهم الأقوال أو الأفعال، فيبدو الصمت خيارًا أكثر أمانًا.",
        ),
        personal_tips=(
            text(
                en="A genuine question is rarely misread: when in doubt, ask rather than stay silent.",
                fr=(
                    "Une question sincère est rarement mal comprise : dans le doute, demandez plutôt que de "
                    "vous taire."
                ),
                ar="نادرًا ما يُساء فهم السؤال الصادق: عند الشك، اسأل بدلًا من أن تصمت.",
            ),
            text(
                en="Rehearse what you might say in a typical situation with a peer you trust.",
                fr=(
                    "Entraînez-vous avec une personne de confiance à ce que vous pourriez dire dans une "
                    "situation type."
                ),
                ar="تدرّب مع زميل تثق به على ما يمكنك قوله في موقف معتاد.",
            ),
            text(
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
        label=text(
            en="Unsure that support is welcome",
            fr="Un doute sur l'accueil réservé à son soutien",
            ar="الشك في أن الدعم مُرحَّب به",
        ),
        description=text(
            en="Feeling left out of gender-equity efforts, or unsure whether men's involvement is wanted.",
            fr=(
                "Le sentiment d'être tenu à l'écart des actions pour l'égalité, ou de ne pas savoir si la "
                "participation des hommes est souhaitée."
            ),
            ar="الشعور بالإقصاء من جهود المساواة، أو عدم التأكد من أن مشاركة الرجال مرغوب فيها.",
        ),
        personal_tips=(
            text(
                en="Go to one open event and notice how you are actually received.",
                fr=(
                    "Participez à un événement ouvert à tous et observez l'accueil qui vous est réellement "
                    "réservé."
                ),
                ar="احضر فعالية مفتوحة للجميع، ولاحظ كيف يُستقبَل حضورك فعلًا.",
            ),
            text(
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
        label=text(en="Unclear expectations", fr="Des attentes floues", ar="عدم وضوح التوقعات"),
        description=text(
            en="Not knowing what the organisation, or colleagues, expect of allies.",
            fr="Ne pas savoir ce que l'organisation, ou les collègues, attendent des alliés.",
            ar="عدم معرفة ما تتوقعه المؤسسة أو الزملاء من المناصرين.",
        ),
        personal_tips=(
            text(
                en="Ask your manager what allyship would look like in your role.",
                fr=(
                    "Demandez à votre responsable à quoi ressemblerait l'engagement pour l'égalité dans "
                    "votre poste."
                ),
                ar="اسأل مسؤولك المباشر عن شكل المناصرة المطلوب في دورك.",
            ),
            text(
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
        label=text(
            en="Low awareness of policies",
            fr="Une méconnaissance des politiques",
            ar="ضعف الإلمام بالسياسات",
        ),
        description=text(
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
            text(
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
            text(
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
        label=text(
            en="The always-available norm",
            fr="La norme de disponibilité permanente",
            ar="عُرف الجاهزية الدائمة",
        ),
        description=text(
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
            text(
                en="Block one protected time slot in your calendar each week and keep it.",
                fr="Réservez chaque semaine un créneau protégé dans votre agenda et tenez-vous-y.",
                ar="خصّص كل أسبوع فترة محمية في تقويمك والتزم بها.",
            ),
            text(
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
        label=text(
            en="Hiding vulnerability",
            fr="Cacher sa vulnérabilité",
            ar="إخفاء مواطن الضعف",
        ),
        description=text(
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
            text(
                en="Share one thing you are still learning with a colleague you trust.",
                fr="Confiez à une personne de confiance une chose que vous êtes encore en train d'apprendre.",
                ar="شارك زميلًا تثق به أمرًا واحدًا لا تزال تتعلّمه.",
            ),
            text(
                en="Notice when you hold back a question, and ask it anyway.",
                fr="Repérez les moments où vous retenez une question, et posez-la malgré tout.",
                ar="انتبه إلى اللحظات التي تحجم فيها عن طرح سؤال، ثم اطرحه رغم ذلك.",
            ),
        ),
        interventions=("reflective_dialogue", "ally_circles", "safe_spaces", "leadership_visibility"),
    ),
)
