"""The interventions HR can use, HR's three diagnostic questions and the personal turning points
(research data in three languages)."""

from __future__ import annotations

from allypath.model.factor_types import ALL_STAGES, DiagnosticQuestion, Intervention, TurningPoint, text

__all__ = ["DIAGNOSTIC_QUESTIONS", "INTERVENTIONS", "TURNING_POINTS"]

INTERVENTIONS: tuple[Intervention, ...] = (
    Intervention(
        key="informal_content",
        label=text(en="Short informal content", fr="Contenus courts et informels", ar="محتوى قصير غير رسمي"),
        description=text(
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
        label=text(en="Reflective stories", fr="Des récits qui font réfléchir", ar="قصص تحفّز على التأمل"),
        description=text(
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
        label=text(en="Safe spaces", fr="Des espaces sûrs", ar="مساحات آمنة"),
        description=text(
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
        label=text(en="Reflective dialogue", fr="Le dialogue réflexif", ar="الحوار التأملي"),
        description=text(
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
        label=text(
            en="Context-specific scenario training",
            fr="Formation par mises en situation contextualisées",
            ar="تدريب على مواقف من سياق العمل",
        ),
        description=text(
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
        label=text(en="Structured learning pathways", fr="Des parcours structurés", ar="مسارات تعلّم منظمة"),
        description=text(
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
        label=text(en="Peer mentoring", fr="Le mentorat entre pairs", ar="الإرشاد بين الأقران"),
        description=text(
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
        label=text(en="Ally circles", fr="Des cercles d'alliance", ar="حلقات المناصرة"),
        description=text(
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
        label=text(en="Ally leadership roles", fr="Des rôles de leadership", ar="أدوار قيادية في المناصرة"),
        description=text(
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
        label=text(
            en="Visible leadership allyship",
            fr="Un engagement visible de la direction",
            ar="مناصرة ظاهرة من القيادات",
        ),
        description=text(
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
        stages=ALL_STAGES,
        enabler="leadership_visibility",
    ),
    Intervention(
        key="recognition_in_promotion",
        label=text(
            en="Recognition in development and promotion",
            fr="La reconnaissance dans le développement et la promotion",
            ar="الاعتراف في التطوير والترقية",
        ),
        description=text(
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
        label=text(en="Policy communication", fr="La communication des politiques", ar="التعريف بالسياسات"),
        description=text(
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
        stages=ALL_STAGES,
    ),
    Intervention(
        key="flexible_work_modelling",
        label=text(
            en="Modelling flexible work",
            fr="Montrer l'exemple du travail flexible",
            ar="القدوة في العمل المرن",
        ),
        description=text(
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
        stages=ALL_STAGES,
    ),
)

DIAGNOSTIC_QUESTIONS: tuple[DiagnosticQuestion, ...] = (
    DiagnosticQuestion(
        key="safe_to_explore",
        text=text(
            en="Do men feel safe to explore their biases and uncertainties?",
            fr="Les hommes se sentent-ils en sécurité pour explorer leurs biais et leurs incertitudes ?",
            ar="هل يشعر الرجال بالأمان لاستكشاف تحيّزاتهم وشكوكهم؟",
        ),
        constructs=("enabler_safety",),
    ),
    DiagnosticQuestion(
        key="experience_acknowledged",
        text=text(
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
        text=text(
            en="Is allyship supported, modelled and rewarded consistently?",
            fr="L'engagement pour l'égalité est-il soutenu, incarné et récompensé de façon cohérente ?",
            ar="هل تحظى المناصرة بالدعم والقدوة والمكافأة على نحو متّسق؟",
        ),
        constructs=("enabler_support", "enabler_leadership", "enabler_recognition"),
    ),
)

TURNING_POINTS: tuple[TurningPoint, ...] = (
    TurningPoint("daughter", text(en="Having a daughter", fr="Avoir une fille", ar="أن تكون لديّ ابنة")),
    TurningPoint(
        "partner",
        text(
            en="My partner's experience",
            fr="L'expérience de la personne qui partage ma vie",
            ar="تجربة شريكة حياتي أو شريك حياتي",
        ),
    ),
    TurningPoint(
        "colleague",
        text(
            en="A woman colleague's experience", fr="L'expérience d'une collègue", ar="تجربة زميلة في العمل"
        ),
    ),
    TurningPoint(
        "female_leader",
        text(en="Working with a woman leader", fr="Travailler avec une dirigeante", ar="العمل مع قائدة"),
    ),
    TurningPoint("father", text(en="Becoming a father", fr="Devenir père", ar="أن أصبح أبًا")),
    TurningPoint("other", text(en="Something else", fr="Autre chose", ar="أمر آخر")),
)
