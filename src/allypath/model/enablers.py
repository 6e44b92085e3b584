"""The enablers that move men towards allyship (research data in three languages)."""

from __future__ import annotations

from allypath.model.factor_types import Factor, text

__all__ = ["ENABLERS"]

ENABLERS: tuple[Factor, ...] = (
    Factor(
        key="safety",
        kind="enabler",
        construct="enabler_safety",
        label=text(en="Safety to explore", fr="La sécurité pour explorer", ar="الأمان للاستكشاف"),
        description=text(
            en="Men feel safe to explore their own biases and uncertainties without fear of blame.",
            fr=(
                "Les hommes se sentent en sécurité pour explorer leurs biais et leurs incertitudes sans "
                "crainte d'être blâmés."
            ),
            ar="يشعر الرجال بالأمان لاستكشاف تحيّزاتهم وشكوكهم دون خوف من اللوم.",
        ),
        personal_tips=(
            text(
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
            text(
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
        label=text(
            en="Men's own experience acknowledged",
            fr="La reconnaissance du vécu des hommes",
            ar="الاعتراف بتجربة الرجال",
        ),
        description=text(
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
            text(
                en="Reflect on one gender norm that has shaped your own career or family life.",
                fr=(
                    "Réfléchissez à une norme de genre qui a marqué votre propre carrière ou votre vie de "
                    "famille."
                ),
                ar="تأمّل في عُرف واحد مرتبط بالنوع الاجتماعي أثّر في مسيرتك المهنية أو حياتك الأسرية.",
            ),
            text(
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
        label=text(en="Organisational support", fr="Le soutien de l'organisation", ar="دعم المؤسسة"),
        description=text(
            en="Allyship is supported with time, resources and clear channels.",
            fr="L'engagement pour l'égalité est soutenu par du temps, des moyens et des canaux clairs.",
            ar="تحظى المناصرة بالدعم من خلال الوقت والموارد والقنوات الواضحة.",
        ),
        personal_tips=(
            text(
                en="Use the time and resources on offer: ask whether ally activities can count as work time.",
                fr=(
                    "Profitez du temps et des moyens proposés : demandez si les activités d'engagement "
                    "peuvent compter comme temps de travail."
                ),
                ar="استفد من الوقت والموارد المتاحة، واسأل إن كان يمكن احتساب أنشطة المناصرة ضمن وقت العمل.",
            ),
            text(
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
        label=text(
            en="Allyship modelled by leaders",
            fr="Des dirigeants et dirigeantes qui montrent l'exemple",
            ar="قادة يجسّدون المناصرة",
        ),
        description=text(
            en="Leaders show allyship through their behaviour, not only their messages.",
            fr=(
                "Les dirigeants et dirigeantes montrent leur engagement par leurs actes, pas seulement par "
                "leurs messages."
            ),
            ar="يُظهر القادة المناصرة من خلال سلوكهم، لا من خلال رسائلهم فقط.",
        ),
        personal_tips=(
            text(
                en="Think of a leader whose allyship you respect and ask how they got started.",
                fr=(
                    "Pensez à une personne dirigeante dont vous respectez l'engagement et demandez-lui "
                    "comment elle a commencé."
                ),
                ar="فكّر في أحد القادة ممن تحترم مناصرتهم، واسأله كيف بدأ.",
            ),
            text(
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
        label=text(
            en="Allyship recognised and rewarded",
            fr="Un engagement reconnu et valorisé",
            ar="مناصرة معترف بها ومُقدَّرة",
        ),
        description=text(
            en="Allyship counts in development plans, appraisals and promotion criteria.",
            fr=(
                "L'engagement pour l'égalité compte dans les plans de développement, les évaluations et les "
                "critères de promotion."
            ),
            ar="تُحتسب المناصرة في خطط التطوير وتقييمات الأداء ومعايير الترقية.",
        ),
        personal_tips=(
            text(
                en="Add one allyship goal to your development plan.",
                fr="Ajoutez un objectif lié à l'égalité à votre plan de développement.",
                ar="أضف هدفًا واحدًا يتعلق بالمناصرة إلى خطة تطويرك.",
            ),
            text(
                en="Mention your allyship contributions in your next appraisal conversation.",
                fr="Évoquez vos contributions à l'égalité lors de votre prochain entretien d'évaluation.",
                ar="اذكر مساهماتك في المناصرة خلال محادثة تقييم الأداء القادمة.",
            ),
        ),
        interventions=("recognition_in_promotion", "leadership_roles"),
    ),
)
