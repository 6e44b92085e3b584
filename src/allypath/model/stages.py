"""The four stages of the Gender Equity Mindset Model (docs/architecture.md), with their report texts.

Each stage carries the research facts (emotion, mindset, what helps) and the words the reports use:
a respondent-facing description, the strengths to open his private report with, small next steps,
and what HR should offer a group that sits mostly at that stage.
"""

from __future__ import annotations

from dataclasses import dataclass

from allypath.model.text import Text

__all__ = ["STAGES", "STAGE_KEYS", "Stage", "stage"]

STAGE_KEYS = ("apathy", "ambivalence", "reflective", "energised")


def _t(*, en: str, fr: str, ar: str) -> Text:
    return Text({"en": en, "fr": fr, "ar": ar})


@dataclass(frozen=True, slots=True)
class Stage:
    """One stage of the model; ``number`` runs 1 (apathy) to 4 (energised)."""

    number: int
    key: str
    label: Text
    short_label: Text
    emotion: Text
    mindset: Text
    action: Text
    description: Text
    strengths: Text
    next_steps: tuple[Text, ...]
    hr_focus: Text


_APATHY = Stage(
    number=1,
    key="apathy",
    label=_t(en="Apathy", fr="Apathie", ar="اللامبالاة"),
    short_label=_t(en="Apathy", fr="Apathie", ar="اللامبالاة"),
    emotion=_t(en="Indifference", fr="Indifférence", ar="عدم الاكتراث"),
    mindset=_t(en="Zero-sum bias", fr="Biais à somme nulle", ar="تحيّز المحصلة الصفرية"),
    action=_t(
        en="Informal engagement: reflective stories and short-form content",
        fr="Engagement informel : récits qui font réfléchir et contenus courts",
        ar="مشاركة غير رسمية: قصص تحفّز على التأمل ومحتوى قصير",
    ),
    description=_t(
        en=(
            "Gender equity at work may not feel like something that concerns you yet, or it may "
            "seem that progress for women comes at a cost to men. That is a common starting point, "
            "and it often reflects how little the topic has been part of your working life so far. "
            "Small, low-pressure chances to hear colleagues' experiences are usually what opens "
            "the door."
        ),
        fr=(
            "L'égalité femmes-hommes au travail ne vous semble peut-être pas encore vous concerner, "
            "ou les progrès des femmes peuvent donner l'impression de se faire au détriment des "
            "hommes. C'est un point de départ fréquent, qui reflète souvent la faible place de ce "
            "sujet dans votre vie professionnelle jusqu'ici. Ce sont généralement de petites "
            "occasions, sans pression, d'entendre l'expérience de collègues qui ouvrent la porte."
        ),
        ar=(
            "ربما لا تشعر بعدُ بأن المساواة بين الجنسين في العمل أمر يعنيك، أو قد يبدو لك أن تقدّم "
            "النساء يأتي على حساب الرجال. هذه نقطة انطلاق شائعة، وكثيرًا ما تعكس أن الموضوع لم "
            "يحتلّ حتى الآن مكانًا يُذكر في حياتك المهنية. وعادةً ما تكون الفرص الصغيرة غير "
            "المُلزِمة للاستماع إلى تجارب الزملاء هي ما يفتح الباب."
        ),
    ),
    strengths=_t(
        en=(
            "You took the time to reflect on these questions, and you prefer to form your own view "
            "rather than take one on trust. That independence is a good base: views built from "
            "your own experience tend to last."
        ),
        fr=(
            "Vous avez pris le temps de réfléchir à ces questions, et vous préférez vous forger "
            "votre propre avis plutôt que d'en adopter un tout fait. Cette indépendance est une "
            "bonne base : les convictions tirées de sa propre expérience sont souvent les plus "
            "durables."
        ),
        ar=(
            "لقد خصّصت وقتًا للتفكير في هذه الأسئلة، وتفضّل أن تكوّن رأيك بنفسك بدلًا من تبنّي "
            "رأي جاهز. هذه الاستقلالية أساس جيد، فالقناعات التي تنبع من التجربة الشخصية غالبًا ما "
            "تكون الأكثر رسوخًا."
        ),
    ),
    next_steps=(
        _t(
            en=(
                "Ask one woman colleague you trust how a recent meeting or project went for her, "
                "and simply listen."
            ),
            fr=(
                "Demandez à une collègue en qui vous avez confiance comment s'est passé pour elle "
                "une réunion ou un projet récent, et contentez-vous d'écouter."
            ),
            ar="اسأل زميلة تثق بها عن تجربتها في اجتماع أو مشروع حديث، واكتفِ بالإصغاء.",
        ),
        _t(
            en=(
                "Spend ten minutes on one short article, podcast or video in which a man describes "
                "how gender norms shaped his own working life."
            ),
            fr=(
                "Consacrez dix minutes à un article, un podcast ou une vidéo courte où un homme "
                "raconte comment les normes de genre ont marqué sa propre vie professionnelle."
            ),
            ar=(
                "خصّص عشر دقائق لمقال أو بودكاست أو مقطع قصير يروي فيه رجل كيف أثّرت الأعراف "
                "المرتبطة بالنوع الاجتماعي في حياته المهنية."
            ),
        ),
        _t(
            en=(
                "For one week, notice who speaks and who gets interrupted in your meetings, "
                "without drawing conclusions yet."
            ),
            fr=(
                "Pendant une semaine, observez qui prend la parole et qui se fait couper dans vos "
                "réunions, sans tirer de conclusions pour l'instant."
            ),
            ar="لمدة أسبوع، لاحظ من يتحدث ومن تُقاطَع كلمته في اجتماعاتك، دون أن تستخلص استنتاجات بعد.",
        ),
        _t(
            en=(
                "Look up your organisation's policy on flexible work or parental leave and ask "
                "yourself what it could mean for you."
            ),
            fr=(
                "Consultez la politique de votre organisation sur le travail flexible ou le congé "
                "parental, et demandez-vous ce qu'elle pourrait changer pour vous."
            ),
            ar="اطّلع على سياسة مؤسستك بشأن العمل المرن أو إجازة الوالدين، وفكّر في ما قد تعنيه لك.",
        ),
    ),
    hr_focus=_t(
        en=(
            "Offer informal, low-commitment ways in: short stories from men they can relate to, "
            "brief content in everyday channels, and links to what they gain from equity "
            "(flexibility, caregiving, healthier norms). Avoid mandatory training as the first step."
        ),
        fr=(
            "Proposer des portes d'entrée informelles et peu engageantes : témoignages d'hommes "
            "auxquels ils peuvent s'identifier, contenus brefs dans les canaux du quotidien, et "
            "liens avec ce que l'égalité leur apporte (flexibilité, rôle d'aidant, normes plus "
            "saines). Éviter de commencer par une formation obligatoire."
        ),
        ar=(
            "قدّموا مداخل غير رسمية لا تتطلب التزامًا كبيرًا: قصصًا من رجال يتماهون معهم، ومحتوى "
            "موجزًا عبر قنوات التواصل اليومية، وربطًا بما يكسبونه من المساواة (المرونة، ورعاية "
            "الأسرة، وأعراف أكثر صحة). وتجنّبوا البدء بتدريب إلزامي."
        ),
    ),
)

_AMBIVALENCE = Stage(
    number=2,
    key="ambivalence",
    label=_t(en="Ambivalence", fr="Ambivalence", ar="التردد"),
    short_label=_t(en="Ambivalence", fr="Ambivalence", ar="التردد"),
    emotion=_t(en="Confusion", fr="Confusion", ar="الحيرة"),
    mindset=_t(en="Conflicted", fr="Tiraillement", ar="التنازع الداخلي"),
    action=_t(
        en="Safe spaces to explore concerns and challenge assumptions",
        fr="Des espaces sûrs pour explorer ses préoccupations et questionner les idées reçues",
        ar="مساحات آمنة لاستكشاف المخاوف ومساءلة الافتراضات",
    ),
    description=_t(
        en=(
            "You can see that gender equity matters, but you may feel unsure where you fit, or "
            "worried that a well-meant remark could be misread. Feeling pulled in two directions "
            "is a normal part of thinking the topic through, not a failing. A safe place to voice "
            "questions and test your assumptions usually helps the picture settle."
        ),
        fr=(
            "Vous voyez que l'égalité femmes-hommes compte, mais vous ne savez peut-être pas bien "
            "quelle y est votre place, ou vous craignez qu'une remarque bien intentionnée soit mal "
            "comprise. Ce tiraillement fait normalement partie de la réflexion : ce n'est pas un "
            "échec. Un espace sûr pour poser vos questions et mettre vos idées à l'épreuve aide "
            "généralement à y voir plus clair."
        ),
        ar=(
            "ترى أن المساواة بين الجنسين أمر مهم، لكنك قد لا تكون متأكدًا من موقعك منها، أو تخشى "
            "أن يُساء فهم ملاحظة حسنة النية. إن الشعور بالتجاذب بين اتجاهين جزء طبيعي من التفكير "
            "في الموضوع، وليس تقصيرًا. وعادةً ما يساعد وجود مساحة آمنة لطرح الأسئلة واختبار "
            "الافتراضات على اتضاح الصورة."
        ),
    ),
    strengths=_t(
        en=(
            "You take the question seriously enough to feel its complexity, and you care about "
            "getting it right. That care, and your willingness to admit uncertainty, are what "
            "thoughtful allyship is built on."
        ),
        fr=(
            "Vous prenez la question assez au sérieux pour en percevoir la complexité, et vous "
            "tenez à bien faire. Ce souci, et votre capacité à reconnaître vos incertitudes, sont "
            "le socle d'un engagement réfléchi."
        ),
        ar=(
            "أنت تأخذ المسألة بجدية تكفي لتدرك تعقيدها، وتحرص على أن تتصرف على نحو صحيح. هذا "
            "الحرص، واستعدادك للاعتراف بعدم اليقين، هما الأساس الذي تقوم عليه المناصرة الواعية."
        ),
    ),
    next_steps=(
        _t(
            en=(
                "Write down one situation at work where you were unsure what to say or do, and "
                "talk it through with someone you trust."
            ),
            fr=(
                "Notez une situation de travail où vous ne saviez pas quoi dire ou faire, et "
                "parlez-en avec une personne de confiance."
            ),
            ar="دوّن موقفًا واحدًا في العمل لم تكن متأكدًا فيه مما ينبغي قوله أو فعله، وناقشه مع شخص تثق به.",
        ),
        _t(
            en=(
                "Ask a woman colleague what kind of support she actually finds helpful, rather than guessing."
            ),
            fr=(
                "Demandez à une collègue quel type de soutien lui est réellement utile, plutôt "
                "que de le deviner."
            ),
            ar="اسأل زميلة عن نوع الدعم الذي تجده مفيدًا فعلًا، بدلًا من التخمين.",
        ),
        _t(
            en=(
                "Join one listening session or discussion group where questions are welcome, even "
                "if you only listen at first."
            ),
            fr=(
                "Participez à une séance d'écoute ou à un groupe d'échange où les questions sont "
                "les bienvenues, même si vous vous contentez d'écouter au début."
            ),
            ar="شارك في جلسة استماع أو مجموعة نقاش تُرحّب بالأسئلة، حتى لو اكتفيت بالاستماع في البداية.",
        ),
        _t(
            en=(
                "When you worry about saying the wrong thing, try asking a genuine question "
                "instead of staying silent."
            ),
            fr=(
                "Quand vous craignez de commettre une maladresse, essayez de poser une vraie "
                "question plutôt que de vous taire."
            ),
            ar="حين تخشى أن تقول شيئًا في غير موضعه، جرّب أن تطرح سؤالًا صادقًا بدلًا من التزام الصمت.",
        ),
    ),
    hr_focus=_t(
        en=(
            "Create safe, confidential spaces where men can voice concerns and test assumptions "
            "without being judged: facilitated dialogue, listening sessions and scenario practice. "
            "Make clear what is expected of allies and that their support is welcome."
        ),
        fr=(
            "Créer des espaces sûrs et confidentiels où les hommes peuvent exprimer leurs "
            "préoccupations et questionner leurs présupposés sans être jugés : dialogues animés, "
            "séances d'écoute, mises en situation. Préciser ce qui est attendu des alliés et "
            "affirmer que leur soutien est bienvenu."
        ),
        ar=(
            "أنشئوا مساحات آمنة وسرّية يستطيع فيها الرجال التعبير عن مخاوفهم واختبار افتراضاتهم "
            "دون إطلاق أحكام عليهم: حوارات مُيسَّرة، وجلسات استماع، وتدريب على مواقف عملية. "
            "ووضّحوا ما هو متوقع من المناصرين وأن دعمهم موضع ترحيب."
        ),
    ),
)

_REFLECTIVE = Stage(
    number=3,
    key="reflective",
    label=_t(
        en="Reflective and responsible",
        fr="Réflexion et responsabilité",
        ar="التأمل والمسؤولية",
    ),
    short_label=_t(en="Reflective", fr="Réflexion", ar="التأمل"),
    emotion=_t(en="Awareness", fr="Prise de conscience", ar="الوعي"),
    mindset=_t(en="Seeking solutions", fr="Recherche de solutions", ar="البحث عن حلول"),
    action=_t(
        en="Structured pathways for learning and action",
        fr="Des parcours structurés pour apprendre et agir",
        ar="مسارات منظمة للتعلّم والعمل",
    ),
    description=_t(
        en=(
            "You are aware of how gender shapes everyday work, and you are looking for practical "
            "ways to make a difference. You are learning, noticing patterns and asking what you "
            "could do differently. Structured ways to learn and act, alongside others, help turn "
            "that awareness into habits."
        ),
        fr=(
            "Vous voyez comment le genre façonne le quotidien au travail et vous cherchez des "
            "moyens concrets d'agir. Vous apprenez, repérez des schémas et vous demandez ce que "
            "vous pourriez faire autrement. Des parcours structurés pour apprendre et agir, avec "
            "d'autres, aident à transformer cette prise de conscience en habitudes."
        ),
        ar=(
            "أنت مدرك لكيفية تأثير النوع الاجتماعي في تفاصيل العمل اليومية، وتبحث عن طرق عملية "
            "لإحداث فرق. أنت تتعلّم، وتلاحظ الأنماط، وتتساءل عمّا يمكنك فعله على نحو مختلف. "
            "وتساعد المسارات المنظمة للتعلّم والعمل، بمشاركة الآخرين، على تحويل هذا الوعي إلى عادات."
        ),
    ),
    strengths=_t(
        en=(
            "You notice things others miss and you take responsibility for your part. Your "
            "curiosity and willingness to learn make you someone colleagues can talk to."
        ),
        fr=(
            "Vous remarquez ce qui échappe à d'autres et vous assumez votre part de "
            "responsabilité. Votre curiosité et votre envie d'apprendre font de vous une personne "
            "à qui les collègues peuvent parler."
        ),
        ar=(
            "تلاحظ ما يفوت غيرك، وتتحمّل مسؤولية دورك. إن فضولك واستعدادك للتعلّم يجعلانك "
            "شخصًا يستطيع الزملاء التحدث إليه."
        ),
    ),
    next_steps=(
        _t(
            en=(
                "Pick one habit to practise for a month, such as crediting an idea to the person "
                "who first raised it."
            ),
            fr=(
                "Choisissez une habitude à pratiquer pendant un mois, par exemple attribuer une "
                "idée à la personne qui l'a proposée en premier."
            ),
            ar="اختر عادة واحدة تمارسها لمدة شهر، مثل نسبة الفكرة إلى الشخص الذي طرحها أولًا.",
        ),
        _t(
            en=(
                "Sign up for one structured learning path or scenario-based workshop on inclusive leadership."
            ),
            fr=(
                "Inscrivez-vous à un parcours de formation structuré ou à un atelier de mises en "
                "situation sur le leadership inclusif."
            ),
            ar="سجّل في مسار تعلّم منظم أو ورشة قائمة على مواقف عملية حول القيادة الشاملة.",
        ),
        _t(
            en="Review who you informally mentor or recommend, and whether women are part of that circle.",
            fr=(
                "Passez en revue les personnes que vous accompagnez ou recommandez de façon "
                "informelle, et vérifiez si des femmes en font partie."
            ),
            ar="راجع من ترشدهم أو توصي بهم بشكل غير رسمي، وتحقّق مما إذا كانت بينهم نساء.",
        ),
        _t(
            en="Find a peer who is working on this too, and agree to check in with each other regularly.",
            fr=(
                "Trouvez une ou un collègue engagé dans la même démarche et convenez de faire "
                "régulièrement le point ensemble."
            ),
            ar="ابحث عن زميل أو زميلة يشاركك هذا المسعى، واتفقا على لقاءات متابعة منتظمة.",
        ),
    ),
    hr_focus=_t(
        en=(
            "Give them structured pathways: scenario-based training set in their own work "
            "contexts, clear learning journeys, peer mentoring and concrete goals they can track. "
            "Recognise progress in development plans."
        ),
        fr=(
            "Leur offrir des parcours structurés : formations par mises en situation ancrées dans "
            "leurs contextes de travail, parcours d'apprentissage clairs, mentorat entre pairs et "
            "objectifs concrets à suivre. Reconnaître les progrès dans les plans de développement."
        ),
        ar=(
            "وفّروا لهم مسارات منظمة: تدريبًا قائمًا على مواقف من سياقات عملهم، ورحلات تعلّم "
            "واضحة، وإرشادًا بين الأقران، وأهدافًا ملموسة يمكن متابعتها. واعترفوا بالتقدّم في "
            "خطط التطوير."
        ),
    ),
)

_ENERGISED = Stage(
    number=4,
    key="energised",
    label=_t(en="Energised and motivated", fr="Énergie et motivation", ar="الحماس والدافعية"),
    short_label=_t(en="Energised", fr="Énergie", ar="الحماس"),
    emotion=_t(en="Empowerment", fr="Pouvoir d'agir", ar="التمكين"),
    mindset=_t(en="Active allyship", fr="Alliance active", ar="المناصرة الفاعلة"),
    action=_t(
        en="Leadership roles, visibility and opportunities for impact",
        fr="Des rôles de leadership, de la visibilité et des occasions d'avoir un impact",
        ar="أدوار قيادية وحضور بارز وفرص لإحداث أثر",
    ),
    description=_t(
        en=(
            "You feel able to make a difference and you act on it: you speak up, open doors for "
            "others and encourage other men to get involved. Your challenge now is to sustain "
            "that energy and widen your impact. Roles with visibility and real influence let you "
            "do both."
        ),
        fr=(
            "Vous vous sentez en capacité d'agir et vous passez à l'action : vous prenez la "
            "parole, ouvrez des portes à d'autres et encouragez d'autres hommes à s'impliquer. "
            "L'enjeu est désormais d'entretenir cette énergie et d'élargir votre impact. Des rôles "
            "visibles, avec une réelle influence, permettent les deux."
        ),
        ar=(
            "تشعر بأنك قادر على إحداث فرق، وتترجم ذلك إلى أفعال: ترفع صوتك، وتفتح الأبواب "
            "للآخرين، وتشجّع رجالًا آخرين على الانخراط. والتحدي الآن هو الحفاظ على هذه الطاقة "
            "وتوسيع أثرك. والأدوار التي تمنحك حضورًا وتأثيرًا حقيقيًا تتيح لك تحقيق الأمرين."
        ),
    ),
    strengths=_t(
        en=(
            "You already turn conviction into action, and others can see it. Your example makes "
            "it easier for colleagues who are still unsure to take a first step."
        ),
        fr=(
            "Vous traduisez déjà vos convictions en actes, et cela se voit. Votre exemple aide les "
            "collègues encore dans le doute à faire un premier pas."
        ),
        ar=(
            "أنت تحوّل قناعاتك إلى أفعال بالفعل، ويرى الآخرون ذلك. ومثالك يسهّل على الزملاء "
            "الذين لا يزالون مترددين أن يخطوا خطوتهم الأولى."
        ),
    ),
    next_steps=(
        _t(
            en="Offer to sponsor one woman colleague for a visible project or role, and follow through.",
            fr=(
                "Proposez de parrainer une collègue pour un projet ou un rôle visible, et allez "
                "jusqu'au bout."
            ),
            ar="اعرض رعاية زميلة لمشروع أو دور بارز، وتابع الأمر حتى النهاية.",
        ),
        _t(
            en=(
                "Invite a colleague who is just starting out on this to join you at an ally circle or event."
            ),
            fr=(
                "Invitez un ou une collègue qui débute dans cette démarche à vous accompagner à un "
                "cercle d'alliance ou à un événement."
            ),
            ar="ادعُ زميلًا في بداية هذا المسار إلى مرافقتك في حلقة مناصرة أو فعالية.",
        ),
        _t(
            en="Ask women colleagues how your allyship lands, and adjust what you do.",
            fr="Demandez à des collègues femmes comment votre engagement est perçu, et ajustez-le.",
            ar="اطلب من زميلاتك ملاحظاتهن حول أثر مناصرتك، وعدّل نهجك بناءً عليها.",
        ),
        _t(
            en=(
                "Make your own flexible working or caregiving visible, so that others feel free to "
                "do the same."
            ),
            fr=(
                "Rendez visibles votre propre travail flexible ou vos responsabilités familiales, "
                "pour que d'autres se sentent libres d'en faire autant."
            ),
            ar="اجعل استخدامك للعمل المرن أو مسؤولياتك الأسرية ظاهرًا، ليشعر الآخرون بحرية القيام بالمثل.",
        ),
    ),
    hr_focus=_t(
        en=(
            "Channel their energy: give them leadership roles in ally networks and mentoring, "
            "visible platforms and real opportunities for impact. Recognise their allyship in "
            "promotion criteria and ask them to bring others along."
        ),
        fr=(
            "Canaliser leur énergie : leur confier des rôles de leadership dans les réseaux "
            "d'alliance et le mentorat, des tribunes visibles et de vraies occasions d'avoir un "
            "impact. Reconnaître leur engagement dans les critères de promotion et les inviter à "
            "entraîner d'autres personnes."
        ),
        ar=(
            "وجّهوا طاقتهم: امنحوهم أدوارًا قيادية في شبكات المناصرة والإرشاد، ومنابر بارزة، "
            "وفرصًا حقيقية لإحداث أثر. واعترفوا بمناصرتهم ضمن معايير الترقية، وادعوهم إلى "
            "استقطاب آخرين."
        ),
    ),
)

STAGES: tuple[Stage, ...] = (_APATHY, _AMBIVALENCE, _REFLECTIVE, _ENERGISED)

_BY_REF: dict[int | str, Stage] = {**{s.number: s for s in STAGES}, **{s.key: s for s in STAGES}}


def stage(ref: int | str) -> Stage:
    """The stage with this number (1-4) or key (``"apathy"`` ... ``"energised"``).

    Examples
    --------
    >>> stage(1) is stage("apathy")
    True
    """
    # bool is an int subclass; stage(True) would silently mean stage 1.
    found = None if isinstance(ref, bool) else _BY_REF.get(ref)
    if found is None:
        raise ValueError(f"unknown stage {ref!r}; use a number 1-4 or one of {', '.join(STAGE_KEYS)}")
    return found
