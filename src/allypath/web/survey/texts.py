# ruff: noqa: E501 -- prose in three languages reads better unbroken
"""Words of the survey and report pages in English, French and Arabic.

The questions, stages and tips come from the instrument and the model; these are the page chrome.
Strings with ``{name}`` are filled in by the views.
"""

from __future__ import annotations

from allypath.model import Text
from allypath.web.journey.texts import WORDS as JOURNEY_WORDS
from allypath.web.journey.texts import french_spacing
from allypath.web.orgs.durations import DURATIONS, duration

__all__ = ["DURATIONS", "FIRST_STEPS", "LANGUAGE_NAMES", "NEXT_STAGE", "RESOURCES", "UI", "duration", "ui"]

LANGUAGE_NAMES = {"en": "English", "fr": "Français", "ar": "العربية"}


def _t(en: str, fr: str, ar: str) -> Text:
    return Text({"en": en, "fr": french_spacing(fr), "ar": ar})


UI: dict[str, Text] = {
    "skip": _t("Skip to the questions", "Aller aux questions", "انتقل إلى الأسئلة"),
    "skip_report": _t("Skip to the report", "Aller au rapport", "انتقل إلى التقرير"),
    "language": _t("Language", "Langue", "اللغة"),
    # {duration}: the wave's form, one of DURATIONS
    "intro_lead": _t(
        "This survey asks how you see gender equity at work. It takes {duration}, on a phone or a computer.",
        "Cette enquête porte sur votre regard sur l'égalité femmes-hommes au travail. Elle prend {duration}, sur téléphone ou ordinateur.",
        "يسألك هذا الاستبيان عن نظرتك إلى المساواة بين الجنسين في العمل. يستغرق {duration} على الهاتف أو الحاسوب.",
    ),
    "collected_h": _t("What we collect", "Ce que nous recueillons", "ما الذي نجمعه"),
    "collected": _t(
        "Your answers, the language you choose and the day you submit (not the time). Your unit, level and "
        "region come from the records your organisation already holds. We do not record your name, e-mail "
        "address, IP address or device.",
        "Vos réponses, la langue choisie et le jour de l'envoi (pas l'heure). Votre unité, votre niveau et votre "
        "région viennent des données que votre organisation détient déjà. Nous n'enregistrons ni votre nom, ni "
        "votre adresse e-mail, ni votre adresse IP, ni votre appareil.",
        "إجاباتك واللغة التي تختارها ويوم الإرسال (دون الساعة). أما وحدتك ومستواك الوظيفي ومنطقتك فتأتي من "
        "السجلات التي تحتفظ بها مؤسستك أصلًا. لا نسجّل اسمك ولا بريدك الإلكتروني ولا عنوان IP ولا جهازك.",
    ),
    "who_h": _t("Who sees what", "Qui voit quoi", "من يرى ماذا"),
    "who": _t(
        "Your organisation's HR team sees only results for groups of at least {k} people, never the answers "
        "of one person. Written comments are shown only for groups of at least {k_text} people. Your personal "
        "report opens only with the receipt code you get at the end.",
        "L'équipe RH de votre organisation ne voit que les résultats de groupes d'au moins {k} personnes, jamais "
        "les réponses d'une personne. Les commentaires écrits ne sont montrés que pour des groupes d'au moins "
        "{k_text} personnes. Votre rapport personnel ne s'ouvre qu'avec le code reçu à la fin.",
        "لا يرى فريق الموارد البشرية في مؤسستك إلا نتائج مجموعات لا يقل عدد أفرادها عن {k}، ولا يرى أبدًا "
        "إجابات شخص بعينه. ولا تُعرض التعليقات المكتوبة إلا لمجموعات لا يقل عددها عن {k_text}. ولا يُفتح تقريرك "
        "الشخصي إلا برمز الإيصال الذي تحصل عليه في النهاية.",
    ),
    "anonymous": _t(
        "Once you submit, nothing links your answers to your invitation.",
        "Une fois vos réponses envoyées, plus rien ne les relie à votre invitation.",
        "بعد الإرسال لا يبقى أي رابط بين إجاباتك ودعوتك.",
    ),
    "panel": _t(
        "This survey is repeated over time. A coded key, made with a secret kept outside the database, lets "
        "your report compare your answers with your own answers in another round, without storing who you are.",
        "Cette enquête est répétée dans le temps. Une clé codée, calculée avec un secret conservé hors de la base "
        "de données, permet à votre rapport de comparer vos réponses avec vos propres réponses d'une autre "
        "vague, sans enregistrer qui vous êtes.",
        "يتكرر هذا الاستبيان على مراحل. ويتيح مفتاح مُرمَّز، يُحسب بسرّ محفوظ خارج قاعدة البيانات، أن يقارن "
        "تقريرك إجاباتك بإجاباتك أنت في جولة أخرى، دون تخزين هويتك.",
    ),
    "optional": _t(
        "Every question is optional. You can stop at any time, save, and continue later with the same link "
        "in this browser, on this device, until {closes}.",
        "Toutes les questions sont facultatives. Vous pouvez vous arrêter à tout moment, enregistrer et "
        "reprendre plus tard avec le même lien, dans ce navigateur et sur cet appareil, jusqu'au {closes}.",
        "كل الأسئلة اختيارية. يمكنك التوقف في أي وقت والحفظ ثم المتابعة لاحقًا بالرابط نفسه في هذا المتصفح "
        "وعلى هذا الجهاز حتى {closes}.",
    ),
    "elsewhere": _t(
        "Started on another phone or computer? Your saved answers stay in that browser: open this link "
        "there to continue. Starting here begins again with no answers.",
        "Vous avez commencé sur un autre téléphone ou ordinateur ? Vos réponses enregistrées restent dans ce "
        "navigateur : ouvrez ce lien là-bas pour continuer. Commencer ici repart sans aucune réponse.",
        "هل بدأت على هاتف أو حاسوب آخر؟ تبقى إجاباتك المحفوظة في ذلك المتصفح: افتح هذا الرابط هناك "
        "للمتابعة. أما البدء هنا فيعني البدء من جديد دون أي إجابة.",
    ),
    "start": _t(
        "I understand, start the survey", "J'ai compris, commencer l'enquête", "فهمت، ابدأ الاستبيان"
    ),
    "resume": _t("Continue where I left off", "Reprendre où je m'étais arrêté", "تابع من حيث توقفت"),
    "has_draft": _t(
        "You have saved answers for this survey.",
        "Vous avez des réponses enregistrées pour cette enquête.",
        "لديك إجابات محفوظة لهذا الاستبيان.",
    ),
    "page_of": _t("Page {n} of {total}", "Page {n} sur {total}", "الصفحة {n} من {total}"),
    "progress": _t("Survey progress", "Progression de l'enquête", "التقدّم في الاستبيان"),
    "next": _t("Next", "Suivant", "التالي"),
    "back": _t("Back", "Précédent", "السابق"),
    "save": _t("Save and finish later", "Enregistrer et finir plus tard", "احفظ وأكمل لاحقًا"),
    "submit": _t("Submit my answers", "Envoyer mes réponses", "أرسل إجاباتي"),
    "submit_note": _t(
        "After you submit you cannot change your answers; you will get your private report straight away.",
        "Après l'envoi, vous ne pourrez plus modifier vos réponses ; vous recevrez aussitôt votre rapport privé.",
        "بعد الإرسال لا يمكنك تعديل إجاباتك، وستحصل على تقريرك الخاص فورًا.",
    ),
    "thin_h": _t(
        "Send with only a few answers?",
        "Envoyer avec seulement quelques réponses ?",
        "هل ترسل إجاباتك وهي قليلة؟",
    ),
    "thin_count": _t(
        "You answered {answered} of {questions} questions.",
        "Vous avez répondu à {answered} questions sur {questions}.",
        "أجبت عن {answered} من أصل {questions} سؤالًا.",
    ),
    "thin_none": _t(
        "You have not answered any question yet.",
        "Vous n'avez encore répondu à aucune question.",
        "لم تُجب عن أي سؤال بعد.",
    ),
    "thin_why_none": _t(
        "Without answers the survey cannot say where you stand, so your report would only offer general "
        "first steps. You can go back and answer some questions, or send anyway. Once sent, nothing can be "
        "added.",
        "Sans réponses, l'enquête ne peut pas dire où vous en êtes : votre rapport ne proposerait que des "
        "premières pistes générales. Vous pouvez revenir répondre à quelques questions, ou envoyer quand "
        "même. Une fois l'envoi fait, rien ne pourra être ajouté.",
        "من دون إجابات لا يستطيع الاستبيان أن يحدد موقعك، فلن يقدّم تقريرك إلا خطوات أولى عامة. يمكنك العودة "
        "للإجابة عن بعض الأسئلة، أو الإرسال على أي حال. بعد الإرسال لا يمكن إضافة شيء.",
    ),
    "thin_why": _t(
        "With this few answers the survey cannot say where you stand, so your report would only offer "
        "general first steps. You can go back and answer more, or send your answers as they are. Once "
        "sent, they cannot be changed.",
        "Avec si peu de réponses, l'enquête ne peut pas dire où vous en êtes : votre rapport ne proposerait "
        "que des premières pistes générales. Vous pouvez revenir répondre à davantage de questions, ou "
        "envoyer vos réponses telles quelles. Une fois envoyées, elles ne peuvent plus être modifiées.",
        "مع هذا العدد القليل من الإجابات لا يستطيع الاستبيان أن يحدد موقعك، فلن يقدّم تقريرك إلا خطوات أولى "
        "عامة. يمكنك العودة للإجابة عن المزيد، أو إرسال إجاباتك كما هي. بعد الإرسال لا يمكن تعديلها.",
    ),
    "thin_back": _t("Go back to the questions", "Revenir aux questions", "العودة إلى الأسئلة"),
    "thin_submit": _t("Send them anyway", "Les envoyer quand même", "أرسلها على أي حال"),
    "saved_h": _t("Your answers are saved", "Vos réponses sont enregistrées", "تم حفظ إجاباتك"),
    "saved": _t(
        "Open the same link again in this browser, on this device, to continue, until {closes}. Your "
        "answers are kept for this browser only. You can close this page.",
        "Rouvrez le même lien dans ce navigateur, sur cet appareil, pour continuer, jusqu'au {closes}. Vos "
        "réponses sont gardées pour ce navigateur seulement. Vous pouvez fermer cette page.",
        "افتح الرابط نفسه مرة أخرى في هذا المتصفح وعلى هذا الجهاز للمتابعة حتى {closes}. تُحفظ إجاباتك لهذا "
        "المتصفح فقط. يمكنك إغلاق هذه الصفحة.",
    ),
    "continue": _t("Continue now", "Continuer maintenant", "تابع الآن"),
    "errors_h": _t(
        "Please check these answers", "Merci de vérifier ces réponses", "يُرجى مراجعة هذه الإجابات"
    ),
    # Put before the page's title when a page comes back with errors: the first thing a screen reader says.
    "error_title": _t("Error", "Erreur", "خطأ"),
    "choose_one": _t("Choose one answer.", "Choisissez une réponse.", "اختر إجابة واحدة."),
    "choose_all": _t("Choose all that apply.", "Cochez tout ce qui s'applique.", "اختر كل ما ينطبق."),
    "text_hint": _t(
        "Please do not write names or details that could identify you or anyone else.",
        "Merci de ne pas écrire de noms ni de détails permettant de vous identifier ou d'identifier quelqu'un.",
        "يُرجى عدم كتابة أسماء أو تفاصيل قد تكشف هويتك أو هوية أي شخص آخر.",
    ),
    "err_not_an_option": _t(
        "Choose one of the answers shown.",
        "Choisissez l'une des réponses proposées.",
        "اختر إحدى الإجابات المعروضة.",
    ),
    "err_out_of_range": _t(
        "Choose one of the answers shown.",
        "Choisissez l'une des réponses proposées.",
        "اختر إحدى الإجابات المعروضة.",
    ),
    "err_not_whole": _t(
        "Choose one of the answers shown.",
        "Choisissez l'une des réponses proposées.",
        "اختر إحدى الإجابات المعروضة.",
    ),
    "err_exclusive": _t(
        "“{option}” cannot be combined with other answers: untick it or the others.",
        "« {option} » ne peut pas être cochée avec d'autres réponses : décochez-la ou décochez les autres.",
        "لا يمكن الجمع بين «{option}» وإجابات أخرى: ألغِ اختيارها أو ألغِ اختيار الإجابات الأخرى.",
    ),
    "err_too_long": _t(
        "Please keep your answer under {max} characters.",
        "Merci de limiter votre réponse à {max} caractères.",
        "يُرجى ألا تتجاوز إجابتك {max} حرف.",
    ),
    "err_other": _t("This answer is not valid.", "Cette réponse n'est pas valide.", "هذه الإجابة غير صالحة."),
    "gone_unknown_h": _t("This link is not valid", "Ce lien n'est pas valide", "هذا الرابط غير صالح"),
    "gone_unknown": _t(
        "Please check that you copied the whole link from your invitation.",
        "Vérifiez que vous avez copié le lien complet de votre invitation.",
        "تأكّد من أنك نسخت الرابط كاملًا من دعوتك.",
    ),
    "gone_used_h": _t(
        "This link has already been used", "Ce lien a déjà été utilisé", "استُخدم هذا الرابط من قبل"
    ),
    "gone_used": _t(
        "Each link takes one set of answers. If you answered, your report opens with the receipt code you kept.",
        "Chaque lien reçoit une seule série de réponses. Si vous avez répondu, votre rapport s'ouvre avec le code "
        "que vous avez conservé.",
        "يقبل كل رابط مجموعة إجابات واحدة. إن كنت قد أجبت، فتقريرك يُفتح برمز الإيصال الذي احتفظت به.",
    ),
    "gone_closed_h": _t("This survey is closed", "Cette enquête est close", "أُغلق هذا الاستبيان"),
    "gone_closed": _t(
        "Thank you for your interest. Answers are no longer collected.",
        "Merci de votre intérêt. Les réponses ne sont plus recueillies.",
        "شكرًا لاهتمامك. لم يعد جمع الإجابات متاحًا.",
    ),
    "gone_expired_h": _t("This link has expired", "Ce lien a expiré", "انتهت صلاحية هذا الرابط"),
    "gone_expired": _t(
        "The survey closed on {closes}.",
        "L'enquête s'est terminée le {closes}.",
        "أُغلق الاستبيان في {closes}.",
    ),
    "gone_not_open_h": _t(
        "This survey has not started", "Cette enquête n'a pas commencé", "لم يبدأ هذا الاستبيان بعد"
    ),
    "gone_not_open": _t(
        "Please come back from {opens}.", "Revenez à partir du {opens}.", "يُرجى العودة ابتداءً من {opens}."
    ),
    # -- landing page and the receipt-code form ---------------------------------------------------------
    "home_h": _t(
        "allypath: a private look at gender equity at work",
        "allypath : un regard personnel sur l'égalité femmes-hommes au travail",
        "allypath: نظرة خاصة إلى المساواة بين الجنسين في العمل",
    ),
    "home_lead": _t(
        "A short survey, based on research on how men become allies of gender equity at work. Each person "
        "who answers gets a private report with next steps; his organisation sees only results for groups.",
        "Une courte enquête, fondée sur la recherche sur la façon dont les hommes deviennent alliés de l'égalité "
        "au travail. Chaque participant reçoit un rapport privé avec des pistes ; son organisation ne voit que "
        "des résultats de groupes.",
        "استبيان قصير يستند إلى بحث حول كيف يصبح الرجال مناصرين للمساواة بين الجنسين في العمل. يحصل كل من يجيب "
        "على تقرير خاص بخطوات تالية، ولا ترى مؤسسته إلا نتائج المجموعات.",
    ),
    "home_invited_h": _t("Invited to the survey?", "Invité à l'enquête ?", "هل دُعيت إلى الاستبيان؟"),
    "home_invited": _t(
        "Open the personal link in your invitation. If you already started, open it in the same browser "
        "on the same device to continue.",
        "Ouvrez le lien personnel de votre invitation. Si vous avez déjà commencé, ouvrez-le dans le même "
        "navigateur, sur le même appareil, pour continuer.",
        "افتح الرابط الشخصي في دعوتك. إن كنت قد بدأت من قبل، فافتحه في المتصفح نفسه وعلى الجهاز نفسه للمتابعة.",
    ),
    "open_report_h": _t("Open my report", "Ouvrir mon rapport", "افتح تقريري"),
    "receipt_label": _t("Receipt code", "Code de reçu", "رمز الإيصال"),
    "receipt_hint": _t(
        "The code you were shown after sending your answers: 24 letters and digits, in groups of four.",
        "Le code affiché après l'envoi de vos réponses : 24 lettres et chiffres, par groupes de quatre.",
        "الرمز الذي ظهر لك بعد إرسال إجاباتك: 24 حرفًا ورقمًا في مجموعات من أربعة.",
    ),
    "open_report": _t("Open my report", "Ouvrir mon rapport", "افتح تقريري"),
    "receipt_not_found": _t(
        "No report has this code. Check each group of four letters and digits.",
        "Aucun rapport n'a ce code. Vérifiez chaque groupe de quatre lettres et chiffres.",
        "لا يوجد تقرير بهذا الرمز. تحقّق من كل مجموعة من أربعة أحرف وأرقام.",
    ),
    "receipt_malformed": _t(
        "A receipt code has 24 letters (A to Z) and digits (2 to 7); dashes and spaces do not matter.",
        "Un code de reçu compte 24 lettres (A à Z) et chiffres (2 à 7) ; tirets et espaces sont ignorés.",
        "يتكون رمز الإيصال من 24 حرفًا (A إلى Z) ورقمًا (2 إلى 7)؛ ولا تهم الشرطات والمسافات.",
    ),
    "home_hr_h": _t("For HR teams", "Pour les équipes RH", "لفرق الموارد البشرية"),
    "home_hr": _t(
        "Group results, response rates and action plans are in the console.",
        "Les résultats de groupes, les taux de réponse et les plans d'action sont dans la console.",
        "نتائج المجموعات ونسب الاستجابة وخطط العمل موجودة في لوحة التحكم.",
    ),
    "home_hr_link": _t("Sign in to the console", "Se connecter à la console", "سجّل الدخول إلى لوحة التحكم"),
    # -- report -----------------------------------------------------------------------------------------
    "report_h": _t("Your private report", "Votre rapport privé", "تقريرك الخاص"),
    "private": _t(
        "Only someone with your receipt code can open this page. Your employer cannot see it.",
        "Seule une personne disposant de votre code peut ouvrir cette page. Votre employeur ne la voit pas.",
        "لا يفتح هذه الصفحة إلا من يملك رمز الإيصال الخاص بك. جهة عملك لا تراها.",
    ),
    "receipt": _t("Your receipt code", "Votre code de reçu", "رمز الإيصال الخاص بك"),
    "keep_code": _t(
        "Keep this code, or bookmark this page, to come back to your report.",
        "Conservez ce code, ou ajoutez cette page à vos favoris, pour revenir à votre rapport.",
        "احتفظ بهذا الرمز أو احفظ هذه الصفحة في المفضلة للعودة إلى تقريرك.",
    ),
    "strengths_h": _t("What you bring", "Ce que vous apportez", "ما الذي تقدّمه"),
    "stage_h": _t("Where you are now", "Où vous en êtes", "أين أنت الآن"),
    "stage_is": _t(
        "Your answers fit best with the stage “{label}”.",
        "Vos réponses correspondent le mieux à l'étape « {label} ».",
        "تتوافق إجاباتك أكثر ما تتوافق مع مرحلة «{label}».",
    ),
    "loose_fit": _t(
        "Your answers fit the four stages less well than most people's: read the stage and the"
        " percentages below as a first indication, not a firm result.",
        "Vos réponses correspondent moins bien aux quatre étapes que celles de la plupart des gens :"
        " lisez l'étape et les pourcentages ci-dessous comme une première indication, pas comme un"
        " résultat ferme.",
        "تتوافق إجاباتك مع المراحل الأربع بدرجة أقل مما هو الحال لدى معظم الناس: اقرأ المرحلة"
        " والنسب أدناه كمؤشر أولي لا كنتيجة نهائية.",
    ),
    "between": _t(
        "Your answers sit between “{a}” and “{b}”: you show signs of both, which is common while views are changing.",
        "Vos réponses se situent entre « {a} » et « {b} » : vous présentez des signes des deux, ce qui est fréquent "
        "quand le regard évolue.",
        "تقع إجاباتك بين «{a}» و«{b}»: تظهر عليك علامات المرحلتين، وهذا شائع حين تكون القناعات في طور التغيّر.",
    ),
    "not_verdict": _t(
        "Stages describe where your views are today, not who you are. People move between them with time, "
        "context and support.",
        "Les étapes décrivent où en est votre regard aujourd'hui, pas qui vous êtes. On passe de l'une à l'autre "
        "avec le temps, le contexte et le soutien.",
        "تصف المراحل موقع قناعاتك اليوم، لا حقيقتك كشخص. وينتقل الناس بينها مع الوقت والسياق والدعم.",
    ),
    "fit_h": _t(
        "How closely your answers match each stage",
        "À quel point vos réponses correspondent à chaque étape",
        "مدى تطابق إجاباتك مع كل مرحلة",
    ),
    "index": _t(
        "Your developmental index is {index} out of 100, one score for the whole path from 0 (the start of “{first}”) to 100 (fully “{last}”); answers like yours place it most likely between {low} and {high}.",
        "Votre indice de progression est de {index} sur 100, un score unique pour tout le parcours, de 0 (le début de l'étape « {first} ») à 100 (pleinement à l'étape « {last} ») ; des réponses comme les vôtres le situent très probablement entre {low} et {high}.",
        "مؤشر التطور لديك {index} من 100، وهو رقم واحد للمسار كله من 0 (بداية مرحلة «{first}») إلى 100 (مرحلة «{last}» بالكامل)؛ وإجابات كإجاباتك تضعه على الأرجح بين {low} و{high}.",
    ),
    # the range rounds to one number: said as "about a point" (an estimate is never exactly certain)
    "index_narrow": _t(
        "Your developmental index is {index} out of 100, one score for the whole path from 0 (the start of “{first}”) to 100 (fully “{last}”); answers like yours place it within about a point of that.",
        "Votre indice de progression est de {index} sur 100, un score unique pour tout le parcours, de 0 (le début de l'étape « {first} ») à 100 (pleinement à l'étape « {last} ») ; des réponses comme les vôtres le situent à environ un point près.",
        "مؤشر التطور لديك {index} من 100، وهو رقم واحد للمسار كله من 0 (بداية مرحلة «{first}») إلى 100 (مرحلة «{last}» بالكامل)؛ وإجابات كإجاباتك تضعه في حدود نقطة واحدة تقريبًا من هذا الرقم.",
    ),
    "percent": _t("{value}%", "{value}\u00a0%", "{value}%"),
    # the match of a stage below 0.5 % or above 99.5 %: an estimate is never 0 % or 100 %, and "1%"
    # on three stages beside "99%" would add up to 102
    "percent_under": _t("less than {value}%", "moins de {value}\u00a0%", "أقل من {value}%"),
    "percent_over": _t("more than {value}%", "plus de {value}\u00a0%", "أكثر من {value}%"),
    "colon": JOURNEY_WORDS["colon"],
    "next_stage_h": _t("The next stage", "L'étape suivante", "المرحلة التالية"),
    "next_stage": _t(
        "The next stage is “{label}”.",
        "L'étape suivante est « {label} ».",
        "المرحلة التالية هي «{label}».",
    ),
    "last_stage": _t(
        "“{label}” is the last stage of the model: there is no stage after it, but there is a way to stay there.",
        "« {label} » est la dernière étape du modèle : il n'y en a pas d'autre après elle, mais il y a une façon d'y rester.",
        "«{label}» هي المرحلة الأخيرة في النموذج: لا مرحلة بعدها، لكن هناك طريقة للبقاء فيها.",
    ),
    "step_first": _t(
        "A first step from where you are",
        "Un premier pas depuis là où vous en êtes",
        "خطوة أولى انطلاقًا من موقعك الحالي",
    ),
    "step_another": _t(
        "Another step from where you are",
        "Un autre pas depuis là où vous en êtes",
        "خطوة أخرى انطلاقًا من موقعك الحالي",
    ),
    "step_towards": _t("A step towards “{label}”", "Un pas vers « {label} »", "خطوة نحو «{label}»"),
    "perceived_h": _t("How you see yourself", "Comment vous vous situez", "كيف ترى نفسك"),
    "perceived_same": _t(
        "You placed yourself at “{perceived}”, in line with your answers.",
        "Vous vous êtes situé à l'étape « {perceived} », en accord avec vos réponses.",
        "وضعت نفسك في مرحلة «{perceived}»، وهذا يتفق مع إجاباتك.",
    ),
    "perceived_ahead": _t(
        "You placed yourself at “{perceived}”; your answers fit best with “{scored}”. Seeing yourself a little "
        "further along is common, and the next steps below can help close the gap.",
        "Vous vous êtes situé à l'étape « {perceived} » ; vos réponses correspondent le mieux à « {scored} ». Se "
        "voir un peu plus avancé est fréquent, et les pistes ci-dessous peuvent aider à combler l'écart.",
        "وضعت نفسك في مرحلة «{perceived}»، بينما تتوافق إجاباتك أكثر مع «{scored}». من الشائع أن يرى المرء نفسه "
        "متقدمًا قليلًا، ويمكن للخطوات التالية أن تساعد على تقليص الفجوة.",
    ),
    "perceived_behind": _t(
        "You placed yourself at “{perceived}”; your answers fit best with “{scored}”. You may be doing more than "
        "you give yourself credit for.",
        "Vous vous êtes situé à l'étape « {perceived} » ; vos réponses correspondent le mieux à « {scored} ». Vous "
        "en faites peut-être plus que vous ne le pensez.",
        "وضعت نفسك في مرحلة «{perceived}»، بينما تتوافق إجاباتك أكثر مع «{scored}». ربما تفعل أكثر مما تنسبه إلى نفسك.",
    ),
    # Between two stages (the stage line said "Your answers sit between “{a}” and “{b}”"), his own
    # placement is set against both stages, never against the likelier one alone.
    "perceived_between": _t(
        "You placed yourself at “{perceived}”, one of the two stages your answers sit between.",
        "Vous vous êtes situé à l'étape « {perceived} », l'une des deux étapes entre lesquelles se situent vos réponses.",
        "وضعت نفسك في مرحلة «{perceived}»، وهي إحدى المرحلتين اللتين تقع إجاباتك بينهما.",
    ),
    "perceived_ahead_between": _t(
        "You placed yourself at “{perceived}”; your answers sit between “{a}” and “{b}”. Seeing yourself a little "
        "further along is common, and the next steps below can help close the gap.",
        "Vous vous êtes situé à l'étape « {perceived} » ; vos réponses se situent entre « {a} » et « {b} ». Se "
        "voir un peu plus avancé est fréquent, et les pistes ci-dessous peuvent aider à combler l'écart.",
        "وضعت نفسك في مرحلة «{perceived}»، بينما تقع إجاباتك بين «{a}» و«{b}». من الشائع أن يرى المرء نفسه "
        "متقدمًا قليلًا، ويمكن للخطوات التالية أن تساعد على تقليص الفجوة.",
    ),
    "perceived_behind_between": _t(
        "You placed yourself at “{perceived}”; your answers sit between “{a}” and “{b}”. You may be doing more "
        "than you give yourself credit for.",
        "Vous vous êtes situé à l'étape « {perceived} » ; vos réponses se situent entre « {a} » et « {b} ». Vous "
        "en faites peut-être plus que vous ne le pensez.",
        "وضعت نفسك في مرحلة «{perceived}»، بينما تقع إجاباتك بين «{a}» و«{b}». ربما تفعل أكثر مما تنسبه إلى نفسك.",
    ),
    "perceived_within": _t(
        "You placed yourself at “{perceived}”, which lies between “{a}” and “{b}”, the two stages your answers show signs of.",
        "Vous vous êtes situé à l'étape « {perceived} », qui se trouve entre « {a} » et « {b} », les deux étapes dont "
        "vos réponses présentent des signes.",
        "وضعت نفسك في مرحلة «{perceived}»، وهي تقع بين «{a}» و«{b}»، المرحلتين اللتين تظهر إجاباتك علامات منهما.",
    ),
    "perceived_none": _t(
        "You did not place yourself on the scale; that is fine.",
        "Vous ne vous êtes pas situé sur l'échelle ; ce n'est pas un problème.",
        "لم تحدد موقعك على المقياس، ولا بأس في ذلك.",
    ),
    "context_h": _t(
        "Across situations at work", "Selon les situations de travail", "في مواقف العمل المختلفة"
    ),
    "context_intro": _t(
        "Views often differ from one situation to another. The stage that fits your answers in each:",
        "Le regard varie souvent d'une situation à l'autre. L'étape qui correspond à vos réponses dans chacune :",
        "كثيرًا ما تختلف القناعات من موقف إلى آخر. المرحلة التي تتوافق مع إجاباتك في كل منها:",
    ),
    "context_unknown": _t("not enough answers", "pas assez de réponses", "لا توجد إجابات كافية"),
    "context_unclear": _t(
        "your answers here do not point to one stage",
        "vos réponses ici ne désignent pas une étape en particulier",
        "إجاباتك هنا لا تشير إلى مرحلة واحدة",
    ),
    "next_h": _t("Next steps to try", "Des pistes à essayer", "خطوات تالية يمكنك تجربتها"),
    "why": _t("Why this suggestion", "Pourquoi cette piste", "سبب هذا الاقتراح"),
    "resources_h": _t("Resources", "Ressources", "مصادر"),
    "compare_h": _t(
        "Compared with your earlier answers",
        "Par rapport à vos réponses précédentes",
        "مقارنةً بإجاباتك السابقة",
    ),
    "compare": _t(
        "In “{wave}” ({date}) your answers fit best with “{earlier}”; now they fit best with “{now}”.",
        "Lors de « {wave} » ({date}), vos réponses correspondaient le mieux à « {earlier} » ; aujourd'hui à « {now} ».",
        "في «{wave}» ({date}) كانت إجاباتك أقرب إلى «{earlier}»، وهي الآن أقرب إلى «{now}».",
    ),
    # The same when his answers now sit between two stages (the page says so above): never one of them.
    "compare_now_between": _t(
        "In “{wave}” ({date}) your answers fit best with “{earlier}”; now they sit between “{a}” and “{b}”.",
        "Lors de « {wave} » ({date}), vos réponses correspondaient le mieux à « {earlier} » ; aujourd'hui,"
        " elles se situent entre « {a} » et « {b} ».",
        "في «{wave}» ({date}) كانت إجاباتك أقرب إلى «{earlier}»، وهي الآن بين «{a}» و«{b}».",
    ),
    # The comparison needs the receipt code of his earlier answers: his link alone must never show them.
    "compare_offer": _t(
        "To compare with your answers to an earlier survey, enter the receipt code you were given then. "
        "It is not stored: without it, no one who holds your survey link can see your earlier result.",
        "Pour comparer avec vos réponses à une enquête précédente, saisissez le code de reçu que vous aviez "
        "reçu alors. Il n'est pas conservé : sans lui, personne qui détient votre lien d'enquête ne peut "
        "voir votre résultat précédent.",
        "لمقارنة إجاباتك بإجاباتك في استبيان سابق، أدخل رمز الإيصال الذي حصلت عليه حينها. لا يُحفظ هذا "
        "الرمز: ومن دونه لا يستطيع أي شخص يملك رابط استبيانك أن يرى نتيجتك السابقة.",
    ),
    "compare_code": _t("Your earlier receipt code", "Votre code de reçu précédent", "رمز إيصالك السابق"),
    "compare_button": _t("Compare", "Comparer", "قارن"),
    "compare_not_found": _t(
        "That code is not the receipt of an earlier survey of yours. Check it and try again.",
        "Ce code n'est pas le reçu d'une de vos enquêtes précédentes. Vérifiez-le et réessayez.",
        "هذا الرمز ليس إيصالًا لاستبيان سابق خاص بك. تحقّق منه وحاول مرة أخرى.",
    ),
    "compare_unscored": _t(
        "Your earlier answers did not show a stage, so there is nothing to compare with.",
        "Vos réponses précédentes n'indiquaient pas d'étape : il n'y a donc rien à comparer.",
        "لم تُظهر إجاباتك السابقة مرحلةً، لذلك لا يوجد ما تمكن المقارنة به.",
    ),
    # His index between two waves, against the margin of error of a difference
    # (allypath.web.journey.movement), in the journey's own words so both pages say it alike.
    "compare_moved_forward": JOURNEY_WORDS["moved_forward"],
    "compare_moved_back": JOURNEY_WORDS["moved_back"],
    "compare_moved_unclear": JOURNEY_WORDS["moved_unclear"],
    "insufficient": _t(
        "Your report does not show a stage: you answered {answered} of {questions} questions, and saying "
        "where you stand needs answers to most of the statements about each stage. Here are general first "
        "steps instead.",
        "Votre rapport n'indique pas d'étape : vous avez répondu à {answered} questions sur {questions}, et "
        "situer votre regard demande des réponses à la plupart des affirmations de chaque étape. Voici "
        "plutôt des premières pistes générales.",
        "لا يعرض تقريرك مرحلة: أجبت عن {answered} من أصل {questions} سؤالًا، وتحديد موقعك يتطلب الإجابة عن "
        "معظم العبارات الخاصة بكل مرحلة. إليك بدلًا من ذلك خطوات أولى عامة.",
    ),
    "insufficient_none": _t(
        "Your report does not show a stage: you did not answer any question, and saying where you stand "
        "needs answers to most of the statements about each stage. Here are general first steps instead.",
        "Votre rapport n'indique pas d'étape : vous n'avez répondu à aucune question, et situer votre regard "
        "demande des réponses à la plupart des affirmations de chaque étape. Voici plutôt des premières "
        "pistes générales.",
        "لا يعرض تقريرك مرحلة: لم تُجب عن أي سؤال، وتحديد موقعك يتطلب الإجابة عن معظم العبارات الخاصة بكل "
        "مرحلة. إليك بدلًا من ذلك خطوات أولى عامة.",
    ),
    "suspect": _t(
        "Your report does not show a stage: your answers do not follow a pattern the model can read "
        "(for example the same answer to many questions in a row), so a stage would not be reliable. "
        "Here are general first steps instead.",
        "Votre rapport n'indique pas d'étape : vos réponses ne suivent pas un schéma que le modèle peut "
        "lire (par exemple la même réponse à de nombreuses questions d'affilée), et une étape ne serait "
        "pas fiable. Voici plutôt des premières pistes générales.",
        "لا يعرض تقريرك مرحلة: إجاباتك لا تتبع نمطًا يستطيع النموذج قراءته (مثل الإجابة نفسها عن أسئلة "
        "كثيرة متتالية)، لذا لن تكون المرحلة موثوقة. إليك بدلًا من ذلك خطوات أولى عامة.",
    ),
    "rushed": _t(
        "Your report does not show a stage: the questions were answered faster than they can be read "
        "(under 2 seconds a question on average), so a stage would not be reliable. Here are general "
        "first steps instead; you are welcome to take the survey again in a later wave.",
        "Votre rapport n'indique pas d'étape : les questions ont reçu une réponse plus vite qu'on ne peut "
        "les lire (moins de 2 secondes par question en moyenne), et une étape ne serait pas fiable. Voici "
        "plutôt des premières pistes générales ; vous pourrez répondre à nouveau lors d'une prochaine vague.",
        "لا يعرض تقريرك مرحلة: تمت الإجابة عن الأسئلة أسرع مما تمكن قراءتها (أقل من ثانيتين للسؤال في "
        "المتوسط)، لذا لن تكون المرحلة موثوقة. إليك بدلًا من ذلك خطوات أولى عامة، ويسعدنا أن تشارك مجددًا "
        "في موجة لاحقة.",
    ),
    "pdf": _t("Download this report as a PDF", "Télécharger ce rapport en PDF", "نزّل هذا التقرير بصيغة PDF"),
    "model_note": _t(
        "Based on the Gender Equity Mindset Model (Hult International Business School research on male allyship, 2025).",
        "D'après le modèle Gender Equity Mindset (recherche de la Hult International Business School sur l'engagement "
        "des hommes, 2025).",
        "استنادًا إلى نموذج عقلية المساواة بين الجنسين (بحث كلية هولت الدولية لإدارة الأعمال حول مناصرة الرجال، 2025).",
    ),
    "not_found_h": _t("Report not found", "Rapport introuvable", "لم يُعثر على التقرير"),
    "not_found": _t(
        "Check the receipt code: it has 24 letters and digits, in groups of four.",
        "Vérifiez le code : il compte 24 lettres et chiffres, par groupes de quatre.",
        "تحقق من رمز الإيصال: يتكون من 24 حرفًا ورقمًا في مجموعات من أربعة.",
    ),
    # A request refused before it reached the survey (security.py): too many in a minute, a full disk.
    "busy_h": _t("Please wait a minute", "Merci d'attendre une minute", "يُرجى الانتظار دقيقة"),
    "busy_link": _t(
        "Too many submissions in a short time: wait a minute, then try again.",
        "Trop d'envois en peu de temps : attendez une minute, puis réessayez.",
        "أُرسل الكثير في وقت قصير: انتظر دقيقة ثم أعد المحاولة.",
    ),
    "busy_network": _t(
        "Too many submissions from your network in a short time: wait a minute, then try again.",
        "Trop d'envois depuis votre réseau en peu de temps : attendez une minute, puis réessayez.",
        "أُرسل الكثير من شبكتك في وقت قصير: انتظر دقيقة ثم أعد المحاولة.",
    ),
    "busy_not_saved": _t(
        "What you just sent was not saved. Your browser's Back button takes you back to it.",
        "Ce que vous venez d'envoyer n'a pas été enregistré. Le bouton Retour de votre navigateur vous y ramène.",
        "لم يُحفظ ما أرسلته للتو. يعيدك زر الرجوع في متصفحك إليه.",
    ),
    "full_h": _t("Nothing was saved", "Rien n'a été enregistré", "لم يُحفظ شيء"),
    "full": _t(
        "The server could not store this: its disk is full. Nothing was saved; please try again later.",
        "Le serveur n'a pas pu enregistrer ceci : son disque est plein. Rien n'a été enregistré ; réessayez plus tard.",
        "تعذّر على الخادم حفظ هذا لأن قرصه ممتلئ. لم يُحفظ شيء؛ يُرجى المحاولة لاحقًا.",
    ),
}

#: What moving to the next stage looks like, by the stage he is at now (for the last stage: staying
#: there). From the model's stages: what each stage feels like and what helps (model/stages.py).
NEXT_STAGE: dict[int, Text] = {
    1: _t(
        "Moving there looks like starting to see that gender equity concerns you too, and that it need not come at men's expense: you notice situations at work you had not noticed before and begin to ask questions, even before you know what to do about them.",
        "Y passer, c'est commencer à voir que l'égalité femmes-hommes vous concerne aussi, et qu'elle ne se fait pas forcément aux dépens des hommes : vous remarquez au travail des situations que vous ne voyiez pas et commencez à poser des questions, avant même de savoir quoi faire.",
        "الانتقال إليها يعني أن تبدأ في رؤية أن المساواة بين الجنسين تعنيك أنت أيضًا، وأنها لا تأتي بالضرورة على حساب الرجال: تلاحظ في العمل مواقف لم تكن تلاحظها، وتبدأ في طرح الأسئلة حتى قبل أن تعرف ما ينبغي فعله.",
    ),
    2: _t(
        "Moving there looks like turning doubts into questions you can act on: you talk situations through instead of staying silent, ask women colleagues what helps rather than guessing, and start to see patterns rather than single incidents.",
        "Y passer, c'est transformer les doutes en questions sur lesquelles agir : vous parlez des situations au lieu de vous taire, vous demandez à vos collègues femmes ce qui les aide au lieu de le deviner, et vous commencez à voir des tendances plutôt que des incidents isolés.",
        "الانتقال إليها يعني أن تحوّل الشكوك إلى أسئلة يمكنك العمل بها: تناقش المواقف بدل الصمت، وتسأل زميلاتك عمّا يساعدهن بدل التخمين، وتبدأ في رؤية أنماط متكررة لا حوادث منفردة.",
    ),
    3: _t(
        "Moving there looks like turning awareness into habits others can see: you speak up in the moment, open doors for women colleagues through sponsorship and recommendations, and invite other men to get involved.",
        "Y passer, c'est faire de votre prise de conscience des habitudes visibles : vous réagissez sur le moment, vous ouvrez des portes à vos collègues femmes en les parrainant et en les recommandant, et vous invitez d'autres hommes à s'impliquer.",
        "الانتقال إليها يعني أن تحوّل وعيك إلى عادات يراها الآخرون: تتكلم في اللحظة المناسبة، وتفتح الأبواب لزميلاتك بالرعاية والتزكية، وتدعو رجالًا آخرين إلى المشاركة.",
    ),
    4: _t(
        "Staying there looks like keeping your energy over time: asking women colleagues how your allyship lands, bringing other men along, and taking roles with visibility and real influence.",
        "Y rester, c'est garder votre énergie dans la durée : demander à vos collègues femmes comment votre engagement est perçu, entraîner d'autres hommes avec vous, et prendre des rôles visibles qui ont une réelle influence.",
        "البقاء فيها يعني أن تحافظ على حماسك مع الوقت: أن تسأل زميلاتك كيف يُستقبل دعمك، وأن تصطحب رجالًا آخرين معك، وأن تتولى أدوارًا ظاهرة ذات تأثير حقيقي.",
    ),
}

#: General first steps for a report without a stage (too few answers to place him on the model).
FIRST_STEPS: tuple[Text, ...] = (
    _t(
        "Notice, over one week, who speaks and who is heard in your meetings.",
        "Observez pendant une semaine qui prend la parole et qui est écouté dans vos réunions.",
        "لاحظ خلال أسبوع من يتحدث ومن يُستمع إليه في اجتماعاتك.",
    ),
    _t(
        "Ask a female colleague you trust what would make work fairer for her, and listen without defending.",
        "Demandez à une collègue de confiance ce qui rendrait le travail plus juste pour elle, et écoutez sans "
        "vous défendre.",
        "اسأل زميلة تثق بها عمّا يجعل العمل أكثر إنصافًا لها، واستمع دون أن تدافع عن نفسك.",
    ),
    _t(
        "Read your organisation's policies on parental leave and flexible work, and what they offer you too.",
        "Lisez les politiques de votre organisation sur le congé parental et le travail flexible, et ce "
        "qu'elles vous offrent aussi.",
        "اقرأ سياسات مؤسستك بشأن إجازة الوالدين والعمل المرن، وما تقدّمه لك أنت أيضًا.",
    ),
)

RESOURCES: tuple[Text, ...] = (
    _t(
        "Your organisation's policies on parental leave, flexible work and equal pay: ask HR or look on the intranet.",
        "Les politiques de votre organisation sur le congé parental, le travail flexible et l'égalité salariale : "
        "demandez aux RH ou consultez l'intranet.",
        "سياسات مؤسستك بشأن إجازة الوالدين والعمل المرن والمساواة في الأجور: اسأل الموارد البشرية أو راجع الشبكة الداخلية.",
    ),
    _t(
        "An employee network, ally circle or mentoring programme: joining as a listener is a good first step.",
        "Un réseau d'employés, un cercle d'alliés ou un programme de mentorat : y participer d'abord en écoutant est un "
        "bon début.",
        "شبكة موظفين أو حلقة مناصرين أو برنامج إرشاد: الانضمام مستمعًا خطوة أولى جيدة.",
    ),
    _t(
        "A trusted colleague or manager to talk through a situation you were unsure about.",
        "Un collègue ou un responsable de confiance avec qui parler d'une situation qui vous a laissé perplexe.",
        "زميل أو مدير تثق به لتتحدث معه عن موقف لم تكن متأكدًا من التصرف فيه.",
    ),
)


def ui(language: str) -> dict[str, str]:
    """Every page string in ``language`` (English where a translation is missing)."""
    return {key: text.get_lang(language) for key, text in UI.items()}
