# ruff: noqa: E501 -- prose in three languages reads better unbroken
"""Words of the journey and circle pages in English, French and Arabic (addressed to a man).

The library, dilemmas, guides, stages, barriers and contexts come with their own translations
(``allypath.content``, ``allypath.model``, the instrument); these are the pages' own words. Strings with
``{name}`` are filled in by the views.
"""

from __future__ import annotations

import re

from allypath.model import Text

__all__ = ["FORMAT_NAMES", "WORDS", "french_spacing", "words"]

_FR_BEFORE = re.compile(r"[ \u00a0\u202f]?([:;?!»])(?=\s|$|[).,])")
_FR_AFTER = re.compile(r"«[ \u00a0\u202f]?")


def french_spacing(text: str) -> str:
    """French typography: a no-break space (U+00A0, as in "42\u00a0%") before : ; ? ! and » and after «,
    so that a line never starts with a colon or a lone quotation mark ("Pourquoi ceci\u00a0: ...")."""
    return _FR_AFTER.sub("«\u00a0", _FR_BEFORE.sub("\u00a0\\1", text))


def _t(en: str, fr: str, ar: str) -> Text:
    return Text({"en": en, "fr": french_spacing(fr), "ar": ar})


FORMAT_NAMES: dict[str, Text] = {
    "story": _t("Story", "Récit", "قصة"),
    "short": _t("Short read", "Lecture courte", "قراءة قصيرة"),
    "dialogue": _t("Conversation prompts", "Pistes de conversation", "أسئلة للحوار"),
    "pathway": _t("Step-by-step pathway", "Parcours pas à pas", "مسار خطوة بخطوة"),
    "opportunity": _t("A role to take up", "Un rôle à prendre", "دور يمكنك أن تتولاه"),
}

WORDS: dict[str, Text] = {
    # After a label, before what it introduces ("Why this: ..."); French puts a no-break space before it.
    "colon": _t(":", " :", ":"),
    "skip": _t("Skip to your journey", "Aller à votre parcours", "انتقل إلى مسارك"),
    "journey_h": _t("Your private journey", "Votre parcours privé", "مسارك الخاص"),
    "private": _t(
        "Only someone with your receipt code can open these pages. Your employer sees none of it, and it is stored so that nobody can tell it is yours.",
        "Seule une personne disposant de votre code de reçu peut ouvrir ces pages. Votre employeur n'en voit rien, et tout est conservé de sorte que personne ne puisse savoir que c'est à vous.",
        "لا يفتح هذه الصفحات إلا من يملك رمز الإيصال الخاص بك. لا ترى جهة عملك شيئًا منها، وهي محفوظة بحيث لا يستطيع أحد أن يعرف أنها لك.",
    ),
    "back_report": _t("Back to your report", "Retour à votre rapport", "العودة إلى تقريرك"),
    "back_journey": _t("Back to your journey", "Retour à votre parcours", "العودة إلى مسارك"),
    "open_journey": _t("Open your private journey", "Ouvrir votre parcours privé", "افتح مسارك الخاص"),
    "journey_invite": _t(
        "Your private journey: things to read, dilemmas to try, your own commitments and a short re-check to see how you move.",
        "Votre parcours privé : des lectures, des dilemmes à essayer, vos propres engagements et un court point d'étape pour voir comment vous évoluez.",
        "مسارك الخاص: مواد للقراءة، ومواقف صعبة تجرّبها، والتزاماتك الشخصية، ومراجعة قصيرة لترى كيف تتطور.",
    ),
    # where he is
    "now_h": _t("Where you are now", "Où vous en êtes", "أين أنت الآن"),
    "now_from_survey": _t(
        "From your survey answers ({day}): {where}",
        "D'après vos réponses à l'enquête ({day}) : {where}",
        "بحسب إجاباتك عن الاستبيان ({day}): {where}",
    ),
    "now_from_recheck": _t(
        "From your latest re-check ({day}): {where}",
        "D'après votre dernier point d'étape ({day}) : {where}",
        "بحسب آخر مراجعة لك ({day}): {where}",
    ),
    "now_none": _t(
        "Your answers could not place you yet, so the suggestions below are starting points anyone can use. The short re-check can place you.",
        "Vos réponses n'ont pas encore permis de vous situer : les suggestions ci-dessous sont des points de départ valables pour tout le monde. Le court point d'étape peut vous situer.",
        "لم تسمح إجاباتك بتحديد موقعك بعد، لذا فالاقتراحات أدناه نقاط انطلاق تناسب أي شخص. يمكن للمراجعة القصيرة أن تحدد موقعك.",
    ),
    # suggested items
    "read_h": _t("To read next", "À lire ensuite", "اقرأ بعد ذلك"),
    "read_intro": _t(
        "Chosen for where you are, and for what you told us. Nothing here is required.",
        "Choisis selon où vous en êtes et ce que vous nous avez dit. Rien n'est obligatoire.",
        "اخترناها بحسب موقعك وما أخبرتنا به. لا شيء منها إلزامي.",
    ),
    "read_all_done": _t(
        "You have read everything we would suggest for now. Take the re-check when you feel things have moved.",
        "Vous avez tout lu de ce que nous suggérerions pour l'instant. Faites le point d'étape quand vous sentez que les choses ont bougé.",
        "لقد قرأت كل ما نقترحه حاليًا. أجرِ المراجعة عندما تشعر بأن شيئًا قد تغيّر.",
    ),
    "minutes": _t("{n} min read", "{n} min de lecture", "قراءة في {n} دقيقة"),
    "why_h": _t("Why this", "Pourquoi ceci", "لماذا هذا"),
    "why_stage": _t("it suits where you are", "il correspond à où vous en êtes", "يناسب موقعك الحالي"),
    "why_next_stage": _t("it is one step ahead", "il vous emmène un pas plus loin", "يأخذك خطوة إلى الأمام"),
    "why_barrier": _t("it speaks to “{label}”", "il aborde « {label} »", "يتناول «{label}»"),
    "why_context": _t(
        "it is set “{label}”", "il se situe dans ce cadre : « {label} »", "يدور في سياق «{label}»"
    ),
    "why_turning_point": _t("it speaks to “{label}”", "il parle de « {label} »", "يتحدث عن «{label}»"),
    # an item
    "composite_note": _t(
        "Stories here are composites written from what men describe in the research, not quotations of real people.",
        "Les récits sont des compositions écrites à partir de ce que des hommes décrivent dans la recherche, et non des citations de personnes réelles.",
        "القصص هنا مركّبة، كُتبت انطلاقًا مما يرويه رجال في البحث، وليست اقتباسات من أشخاص حقيقيين.",
    ),
    "own_h": _t(
        "From {org}",
        "De la part de {org}",
        "من {org}",
    ),
    "own_intro": _t(
        "Resources your organisation added for everyone. Opening one tells nobody anything about you.",
        "Des ressources que votre organisation a ajoutées pour tout le monde. En ouvrir une ne dit rien de vous à personne.",
        "موارد أضافتها مؤسستك للجميع. فتح أحدها لا يكشف عنك شيئًا لأحد.",
    ),
    "own_item_note": _t(
        "Written by {org}, not by allypath. Its links lead outside allypath: whoever runs a linked page can see that someone opened it, as with any link.",
        "Rédigé par {org}, et non par allypath. Ses liens mènent hors d'allypath : qui gère une page liée peut voir que quelqu'un l'a ouverte, comme pour tout lien.",
        "كتبته {org} وليس allypath. روابطه تقود إلى خارج allypath: من يدير صفحة مرتبطة يمكنه أن يرى أن أحدًا فتحها، كما هو الحال مع أي رابط.",
    ),
    "question_h": _t("A question to sit with", "Une question à méditer", "سؤال للتأمل"),
    "prompts_h": _t("Prompts", "Pistes", "أسئلة للنقاش"),
    "steps_h": _t("Steps", "Étapes", "الخطوات"),
    "action_h": _t("How to take it up", "Comment vous lancer", "كيف تبدأ"),
    "links_h": _t("Links", "Liens", "روابط"),
    "mark_read": _t("I have read this", "J'ai lu ceci", "قرأت هذا"),
    "is_read": _t(
        "You marked this as read. It will not be suggested again.",
        "Vous l'avez marqué comme lu. Il ne vous sera plus suggéré.",
        "لقد علّمت هذا بأنك قرأته. لن نقترحه عليك مرة أخرى.",
    ),
    "read_list_h": _t("What you have read", "Ce que vous avez lu", "ما قرأته"),
    # dilemmas
    "dilemmas_h": _t("Dilemmas to try", "Dilemmes à essayer", "مواقف صعبة لتجرّبها"),
    "dilemmas_intro": _t(
        "Real situations at work, with no single right answer. Choose what you would do, then see what it tends to lead to. Your choice stays private.",
        "Des situations de travail réelles, sans réponse unique. Choisissez ce que vous feriez, puis voyez à quoi cela mène souvent. Votre choix reste privé.",
        "مواقف حقيقية في العمل لا توجد لها إجابة واحدة صحيحة. اختر ما كنت ستفعله، ثم انظر إلى ما يؤدي إليه عادة. يبقى اختيارك خاصًا.",
    ),
    "played": _t("you have tried this one", "vous l'avez déjà essayé", "جرّبت هذا الموقف"),
    "what_would_you_do": _t("What would you do?", "Que feriez-vous ?", "ماذا كنت ستفعل؟"),
    "choose": _t(
        "See what it tends to lead to", "Voir à quoi cela mène souvent", "انظر إلى ما يؤدي إليه عادة"
    ),
    "choose_error": _t("Choose one of the options.", "Choisissez l'une des options.", "اختر أحد الخيارات."),
    "you_chose": _t("You chose", "Vous avez choisi", "اخترت"),
    "tends_to": _t("What it tends to lead to", "À quoi cela mène souvent", "ما يؤدي إليه عادة"),
    "others_h": _t("The other options", "Les autres options", "الخيارات الأخرى"),
    "debrief_h": _t("Debrief", "Pour aller plus loin", "خلاصة"),
    "try_again": _t("Choose again", "Choisir à nouveau", "اختر من جديد"),
    # commitments
    "commitments_h": _t("Your commitments", "Vos engagements", "التزاماتك"),
    "commitments_intro": _t(
        "Small things you mean to do, in your own words. Tick them off when done. Only you see them.",
        "De petites choses que vous comptez faire, avec vos propres mots. Cochez-les une fois faites. Vous seul les voyez.",
        "أشياء صغيرة تنوي فعلها، بكلماتك أنت. علّمها عند إنجازها. لا يراها أحد غيرك.",
    ),
    "commitment_label": _t("Something you will do", "Quelque chose que vous ferez", "شيء ستفعله"),
    "commitment_hint": _t(
        "For example: “In Tuesday's meeting, I will ask Sofia to finish her point.” Up to 300 characters.",
        "Par exemple : « À la réunion de mardi, je demanderai à Sofia de finir son idée. » 300 caractères au plus.",
        "مثلًا: «في اجتماع الثلاثاء سأطلب من سوفيا أن تكمل فكرتها». 300 حرف على الأكثر.",
    ),
    "commitment_add": _t("Add this commitment", "Ajouter cet engagement", "أضف هذا الالتزام"),
    "commitment_empty": _t("Write what you will do.", "Écrivez ce que vous ferez.", "اكتب ما ستفعله."),
    "commitment_too_long": _t(
        "Keep it to 300 characters or fewer.",
        "300 caractères au plus, s'il vous plaît.",
        "لا تتجاوز 300 حرف من فضلك.",
    ),
    "commitment_too_many": _t(
        "You already have 40 commitments: remove one to add another.",
        "Vous avez déjà 40 engagements : retirez-en un pour en ajouter un autre.",
        "لديك 40 التزامًا بالفعل: احذف واحدًا لتضيف غيره.",
    ),
    "commitments_none": _t("No commitments yet.", "Aucun engagement pour l'instant.", "لا التزامات بعد."),
    "made_on": _t("written on {day}", "écrit le {day}", "كُتب في {day}"),
    "done_on": _t("done on {day}", "fait le {day}", "أُنجز في {day}"),
    "mark_done": _t("Mark as done", "Marquer comme fait", "علّمه منجزًا"),
    "mark_undone": _t("Not done yet", "Pas encore fait", "لم يُنجز بعد"),
    "remove": _t("Remove", "Retirer", "احذف"),
    "commitment_reword": _t("Change the wording", "Modifier la formulation", "عدّل الصياغة"),
    "commitment_reword_label": _t(
        "The same commitment, in new words",
        "Le même engagement, en d'autres mots",
        "الالتزام نفسه بكلمات أخرى",
    ),
    "commitment_reword_save": _t(
        "Save the new wording", "Enregistrer la nouvelle formulation", "احفظ الصياغة الجديدة"
    ),
    # re-check
    "recheck_h": _t("A short re-check", "Un court point d'étape", "مراجعة قصيرة"),
    "recheck_intro": _t(
        "The same short questions, any time you like, to see whether your views have moved. It takes about five minutes. We keep only where it places you and the day, never your answers.",
        "Les mêmes questions courtes, quand vous le souhaitez, pour voir si votre regard a évolué. Cela prend environ cinq minutes. Nous ne gardons que votre position et le jour, jamais vos réponses.",
        "الأسئلة القصيرة نفسها، متى شئت، لترى إن كانت نظرتك قد تغيّرت. تستغرق نحو خمس دقائق. لا نحتفظ إلا بموقعك واليوم، ولا نحتفظ بإجاباتك أبدًا.",
    ),
    "recheck_start": _t("Take the re-check", "Faire le point d'étape", "ابدأ المراجعة"),
    "recheck_submit": _t("See where I am now", "Voir où j'en suis", "أرني أين أنا الآن"),
    "recheck_errors_h": _t(
        "Some answers need a second look", "Certaines réponses sont à revoir", "بعض الإجابات تحتاج إلى مراجعة"
    ),
    "recheck_unplaced": _t(
        "This re-check could not place you: {why} You can take it again whenever you like.",
        "Ce point d'étape n'a pas pu vous situer : {why} Vous pouvez le refaire quand vous voulez.",
        "لم تتمكن هذه المراجعة من تحديد موقعك: {why} يمكنك إعادتها متى شئت.",
    ),
    "unplaced_few": _t(
        "too few questions were answered.",
        "trop peu de questions ont reçu une réponse.",
        "أُجيب عن عدد قليل جدًا من الأسئلة.",
    ),
    "unplaced_careless": _t(
        "the answers looked too uniform, or unlike any stage, to be read with confidence.",
        "les réponses semblaient trop uniformes, ou trop éloignées de toutes les étapes, pour être lues avec confiance.",
        "بدت الإجابات متشابهة أكثر من اللازم، أو بعيدة عن كل المراحل، بحيث لا يمكن قراءتها بثقة.",
    ),
    # progress
    "progress_h": _t("Your movement over time", "Votre évolution dans le temps", "تطورك عبر الزمن"),
    "progress_link": _t("See your movement over time", "Voir votre évolution", "اطّلع على تطورك عبر الزمن"),
    "progress_intro": _t(
        "Each time you answer, we place you again. A placement is an estimate: short questionnaires leave a margin, so a small change may be noise.",
        "À chaque fois que vous répondez, nous vous situons à nouveau. Une position est une estimation : un questionnaire court laisse une marge, et un petit changement peut n'être que du bruit.",
        "في كل مرة تجيب فيها نحدد موقعك من جديد. الموقع تقدير: الاستبيانات القصيرة تترك هامشًا، لذا قد يكون التغيير الصغير مجرد تشويش.",
    ),
    "progress_none": _t(
        "Take the re-check to see your movement: it compares your new answers with your survey.",
        "Faites le point d'étape pour voir votre évolution : il compare vos nouvelles réponses à celles de l'enquête.",
        "أجرِ المراجعة لترى تطورك: فهي تقارن إجاباتك الجديدة بإجاباتك عن الاستبيان.",
    ),
    "source_survey": _t("Your survey", "Votre enquête", "استبيانك"),
    "source_recheck": _t("Re-check", "Point d'étape", "مراجعة"),
    "placed_at": _t("{label}", "{label}", "{label}"),
    "placed_between": _t("between “{a}” and “{b}”", "entre « {a} » et « {b} »", "بين «{a}» و«{b}»"),
    "sure_high": _t(
        "we are fairly sure of this ({p} chances in 100)",
        "nous en sommes assez sûrs ({p} chances sur 100)",
        "نحن متأكدون من ذلك إلى حد كبير ({p} فرصة من أصل 100)",
    ),
    "sure_mid": _t(
        "this is likely, not certain ({p} chances in 100)",
        "c'est probable, pas certain ({p} chances sur 100)",
        "هذا مرجّح لكنه ليس مؤكدًا ({p} فرصة من أصل 100)",
    ),
    "sure_loose": _t(
        "take this as a first indication: your answers fit the stages less well than most people's"
        " ({p} chances in 100 on the model's reading)",
        "à prendre comme une première indication : vos réponses correspondent moins bien aux étapes que"
        " celles de la plupart des gens ({p} chances sur 100 selon le modèle)",
        "اعتبر ذلك مؤشرًا أوليًا: تتوافق إجاباتك مع المراحل بدرجة أقل مما هو الحال لدى معظم الناس"
        " ({p} فرصة من أصل 100 وفق قراءة النموذج)",
    ),
    "sure_low": _t(
        "this is uncertain: your answers fit more than one stage ({p} chances in 100)",
        "c'est incertain : vos réponses correspondent à plus d'une étape ({p} chances sur 100)",
        "هذا غير مؤكد: إجاباتك تتوافق مع أكثر من مرحلة ({p} فرصة من أصل 100)",
    ),
    "index_margin": _t(
        "Developmental index {index} out of 100, give or take {margin}.",
        "Indice de progression {index} sur 100, à {margin} près.",
        "مؤشر التطور {index} من 100، بهامش يقارب {margin}.",
    ),
    "not_placed": _t("not placed", "non situé", "لم يُحدَّد الموقع"),
    "since_start_h": _t("Since your survey", "Depuis votre enquête", "منذ استبيانك"),
    "since_last_h": _t("Since your previous check", "Depuis votre point précédent", "منذ مراجعتك السابقة"),
    "moved_forward": _t(
        "You have likely moved forward: your index went from {before} to {after}, more than the margin of error (about {margin}).",
        "Vous avez probablement progressé : votre indice est passé de {before} à {after}, plus que la marge d'erreur (environ {margin}).",
        "من المرجح أنك تقدمت: انتقل مؤشرك من {before} إلى {after}، وهو فرق يتجاوز هامش الخطأ (نحو {margin}).",
    ),
    "moved_back": _t(
        "You have likely moved back a little: your index went from {before} to {after}, more than the margin of error (about {margin}). People move both ways with context and support; it is not a verdict.",
        "Vous avez probablement un peu reculé : votre indice est passé de {before} à {after}, plus que la marge d'erreur (environ {margin}). On évolue dans les deux sens selon le contexte et le soutien ; ce n'est pas un verdict.",
        "من المرجح أنك تراجعت قليلًا: انتقل مؤشرك من {before} إلى {after}، وهو فرق يتجاوز هامش الخطأ (نحو {margin}). يتحرك الناس في الاتجاهين بحسب السياق والدعم؛ وهذا ليس حكمًا عليك.",
    ),
    "moved_unclear": _t(
        "We cannot say that you moved: your index went from {before} to {after}, which is within the margin of error (about {margin}).",
        "Nous ne pouvons pas dire que vous avez évolué : votre indice est passé de {before} à {after}, ce qui reste dans la marge d'erreur (environ {margin}).",
        "لا يمكننا القول إنك تغيّرت: انتقل مؤشرك من {before} إلى {after}، وهذا ضمن هامش الخطأ (نحو {margin}).",
    ),
    "moved_cannot": _t(
        "Not enough to compare: one of the two could not place you.",
        "Pas assez pour comparer : l'une des deux réponses n'a pas pu vous situer.",
        "لا يكفي للمقارنة: إحدى المرتين لم تحدد موقعك.",
    ),
    # circles
    "circle_h": _t("Ally circle", "Cercle d'alliés", "حلقة المناصرين"),
    "circle_intro": _t(
        "An ally circle is a small group of colleagues (usually 4 to 6) who meet six times, with a guide, to talk about real situations at work. Circles mix people with different views. Nobody in the circle, and nobody in HR, sees anyone's results.",
        "Un cercle d'alliés est un petit groupe de collègues (en général 4 à 6) qui se réunit six fois, avec un guide, pour parler de situations de travail réelles. Les cercles mêlent des points de vue différents. Personne dans le cercle, ni aux RH, ne voit les résultats de quiconque.",
        "حلقة المناصرين مجموعة صغيرة من الزملاء (عادة من 4 إلى 6) تلتقي ست مرات، مع دليل، للحديث عن مواقف حقيقية في العمل. تجمع الحلقات أشخاصًا بآراء مختلفة. لا يرى أحد في الحلقة، ولا أحد في الموارد البشرية، نتائج أي شخص.",
    ),
    "circle_open": _t("About ally circles", "Les cercles d'alliés", "عن حلقات المناصرين"),
    "circle_contact_label": _t(
        "How can your circle reach you?",
        "Comment votre cercle peut-il vous joindre ?",
        "كيف يمكن لأعضاء حلقتك التواصل معك؟",
    ),
    "circle_contact_hint": _t(
        "An e-mail address, phone number or chat name: whatever you choose. Only the members of your circle will see it, once circles are formed.",
        "Une adresse e-mail, un numéro de téléphone ou un nom de messagerie : ce que vous voulez. Seuls les membres de votre cercle le verront, une fois les cercles formés.",
        "بريد إلكتروني أو رقم هاتف أو اسم في تطبيق محادثة: ما تختاره أنت. لن يراه إلا أعضاء حلقتك بعد تكوين الحلقات.",
    ),
    "circle_host_label": _t(
        "I am happy to help get the first meeting going",
        "Je veux bien aider à lancer la première réunion",
        "يسعدني أن أساعد في انطلاق الاجتماع الأول",
    ),
    "circle_consent_label": _t(
        "I understand that the members of my circle will see the contact I give, and that I can leave at any time",
        "Je comprends que les membres de mon cercle verront le contact indiqué, et que je peux partir à tout moment",
        "أفهم أن أعضاء حلقتي سيرون وسيلة التواصل التي أقدّمها، وأنني أستطيع المغادرة في أي وقت",
    ),
    "circle_volunteer": _t("Volunteer for a circle", "Me porter volontaire", "تطوّع للانضمام إلى حلقة"),
    "circle_contact_empty": _t(
        "Give a way for your circle to reach you.",
        "Indiquez un moyen de vous joindre.",
        "اذكر وسيلة يتواصل بها أعضاء حلقتك معك.",
    ),
    "circle_contact_too_long": _t(
        "Keep it to 200 characters or fewer.",
        "200 caractères au plus, s'il vous plaît.",
        "لا تتجاوز 200 حرف من فضلك.",
    ),
    "circle_consent_missing": _t(
        "Tick this box to volunteer.",
        "Cochez cette case pour vous porter volontaire.",
        "علّم هذا المربع لتتطوع.",
    ),
    "circle_needs_place": _t(
        "Circles mix people at different points, so we need to place you first: take the short re-check, then come back.",
        "Les cercles mêlent des personnes à des points différents : il faut d'abord vous situer. Faites le court point d'étape, puis revenez.",
        "تجمع الحلقات أشخاصًا في مراحل مختلفة، لذا نحتاج أولًا إلى تحديد موقعك: أجرِ المراجعة القصيرة ثم عد.",
    ),
    "circle_waiting": _t(
        "You have volunteered. We will place you in a circle when it is formed{when}; come back to this page to see your circle.",
        "Vous êtes volontaire. Nous vous placerons dans un cercle lors de sa formation{when} ; revenez sur cette page pour voir votre cercle.",
        "لقد تطوعت. سنضعك في حلقة عند تكوينها{when}؛ عد إلى هذه الصفحة لترى حلقتك.",
    ),
    "circle_when": _t(" (planned around {day})", " (prévue vers le {day})", " (المتوقع نحو {day})"),
    "circle_waiting_again": _t(
        "A round of circles was formed, but there was no place that fitted this time. You stay on the list for the next round.",
        "Des cercles ont été formés, mais aucune place ne convenait cette fois. Vous restez inscrit pour la prochaine fois.",
        "تكوّنت بعض الحلقات، لكن لم يتوفر مكان مناسب هذه المرة. ستبقى على القائمة للجولة التالية.",
    ),
    "circle_your_contact": _t(
        "The contact you shared", "Le contact que vous partagez", "وسيلة التواصل التي شاركتها"
    ),
    "circle_members_h": _t("Your circle", "Votre cercle", "حلقتك"),
    "circle_members_intro": _t(
        "These are the contacts your circle members chose to share. Agree a first meeting together; whoever is most at ease can open it.",
        "Voici les contacts que les membres de votre cercle ont choisi de partager. Convenez ensemble d'une première réunion ; la personne la plus à l'aise peut l'ouvrir.",
        "هذه وسائل التواصل التي اختار أعضاء حلقتك مشاركتها. اتفقوا معًا على اجتماع أول؛ ويمكن لأكثركم ارتياحًا أن يفتتحه.",
    ),
    "circle_you": _t("you", "vous", "أنت"),
    "circle_guide_h": _t("Your meeting guide", "Votre guide de réunion", "دليل اجتماعاتكم"),
    "session_h": _t("Session {n}: {theme}", "Séance {n} : {theme}", "الجلسة {n}: {theme}"),
    "one_action": _t("One action", "Une action", "خطوة واحدة"),
    "circle_leave": _t("Leave the circle list", "Quitter la liste des cercles", "غادر قائمة الحلقات"),
    "circle_left": _t(
        "You are no longer on the circle list, and your contact is deleted.",
        "Vous n'êtes plus sur la liste des cercles et votre contact est supprimé.",
        "لم تعد على قائمة الحلقات، وحُذفت وسيلة التواصل الخاصة بك.",
    ),
    "circle_closed": _t(
        "Your organisation has not opened ally circles yet.",
        "Votre organisation n'a pas encore ouvert de cercles d'alliés.",
        "لم تفتح مؤسستك حلقات المناصرين بعد.",
    ),
}


def words(language: str) -> dict[str, str]:
    """Every journey string in ``language`` (English where a translation is missing)."""
    return {key: text.get_lang(language) for key, text in WORDS.items()}
