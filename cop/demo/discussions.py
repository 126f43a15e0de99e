"""Demo discussions: the questions and conversations of the demo community, loaded through the
discussion services so the real rules run (counters, answers, follows, notifications)."""

import hashlib
from datetime import timedelta

import click
import sqlalchemy as sa

from cop.extensions import db

# People are named by the part of their demo e-mail before the @ (see cop/demo/community.py).
# A reply is (who, body) or (who, body, index of the earlier reply it answers).
THREADS = [
    # ------------------------------------------------------------------ introductions and general
    {
        "title": "Welcome! Introduce yourself here",
        "kind": "discussion", "category": "introductions", "author": "dana.whitfield", "days_ago": 120,
        "pinned": True,
        "body": (
            "Welcome to the community's discussion space. This is where members ask each other the questions "
            "that come up between our monthly meetings: who pays, who staffs it, how you got the plant manager "
            "on board.\n\nPlease say hello below: your name, your organization, what kind of work-based learning "
            "you run (or want to run), and one thing you'd like to learn from peers this year.\n\n"
            "A few norms: no student names or identifying details, share numbers when you can, and flag anything "
            "that looks wrong so a facilitator can look at it."),
        "replies": [
            ("marcus.bell",
             "Marcus Bell, branch manager at Harborview Credit Union's Riverside branch. We hosted our first two "
             "high-school interns last summer through the foundation-funded program. This year I want to learn how "
             "other branches handle coverage when the interns are on the teller line."),
            ("hector.villalobos",
             "Héctor Villalobos, Director of Nursing at Lakeshore Senior Living. We run summer resident-life aides "
             "and a CNA pre-apprenticeship with Lincoln Early College. I'd like to hear how hospitals schedule "
             "clinical shadowing without overloading their nurses."),
            ("tasha.brooks",
             "Hi all, Tasha Brooks, Early Talent Program Manager at Bluepine Software. 20 college interns a summer, "
             "up from 4 two years ago. Happy to share our take-home task and mentor guide."),
            ("ray.dominguez",
             "Ray Dominguez, apprenticeship coordinator at Tallgrass Mechanical. Pipefitter and sheet metal "
             "apprentices, most of them recruited through Pathways Youth Alliance. Ask me anything about the state "
             "tax credit paperwork; I've filled out more of it than I'd like."),
            ("eleanor.voss",
             "Eleanor Voss, program officer at the Hartwell Family Foundation. We fund some of the summer youth "
             "work in the region. I'm mostly here to listen and learn what actually helps employers keep going "
             "after a grant ends."),
            ("dana.whitfield",
             "Thank you, everyone. @Ray.Dominguez, I may take you up on the tax credit offer in the next convening.", 3),
        ],
    },
    {
        "title": "Hello from Eastfield's employer partnerships desk",
        "kind": "discussion", "category": "introductions", "author": "sean.gallagher", "days_ago": 96,
        "body": (
            "I'm Sean Gallagher, the employer partnerships coordinator at Eastfield Community College. If your "
            "apprentices take related instruction with us, or you'd like a capstone team next semester, I'm the "
            "person who untangles schedules and contracts.\n\nOne request: tell me early (by October) if you want "
            "spring capstone projects. Faculty assign teams in November."),
        "replies": [
            ("karen.lindqvist",
             "Sean has been a huge help with our CNC cohort. The October deadline is real, learn from our mistake "
             "last year."),
            ("brian.kowalski",
             "Good to meet you, Sean. We'll have two capstone projects for the IT program this spring: a ticket "
             "dashboard and a laptop imaging script."),
            ("sean.gallagher", "Perfect, Brian. I'll send the scoping form this week.", 1),
        ],
    },
    {
        "title": "New in a workforce role at the co-op: starting a lineworker pipeline",
        "kind": "discussion", "category": "introductions", "author": "hannah.yoder", "days_ago": 61,
        "body": (
            "Hi, I'm Hannah Yoder at Pioneer Electric Cooperative. I moved from member services into a new "
            "workforce coordinator role in January. We have a retirement cliff in our line crews and a "
            "pre-apprenticeship that just finished its first year. I'm looking for anyone who has built rural "
            "programs where the nearest college is an hour away."),
        "replies": [
            ("rafael.ortega",
             "Welcome, Hannah! Angela at Northstar Freight deals with the same distances for diesel techs. "
             "@Angela.Whitehorse, would you be up for a call?"),
            ("angela.whitehorse",
             "Happy to. Short version: we pay for the drive time and we pushed the college to run two evening "
             "sections at our terminal. Send me a note."),
        ],
    },
    {
        "title": "Spring convening: which topics should we cover?",
        "kind": "discussion", "category": "general", "author": "rafael.ortega", "days_ago": 34,
        "body": (
            "We're planning the spring convening (two hours, in person at Eastfield). Last year's feedback asked "
            "for fewer panels and more working time.\n\nWhat would you most like to work on together? A few "
            "candidates:\n\n- Cost per hire: comparing methods\n- Supervisor training that actually sticks\n"
            "- Transportation for first-shift students\n- Tax credits and public funds, a paperwork clinic"),
        "replies": [
            ("gary.lindgren", "Cost per hire, please. Our board asks every quarter and I never know what to include."),
            ("keisha.morgan",
             "Transportation. We solved first shift with bus passes but second shift is still a problem."),
            ("ray.dominguez", "I'll run the paperwork clinic if people bring their own forms.", 0),
            ("lori.nguyen", "+1 for supervisor training. Ours fades after about three weeks."),
        ],
    },
    {
        "title": "What would make a small grant most useful to your program?",
        "kind": "question", "category": "general", "author": "eleanor.voss", "days_ago": 52,
        "body": (
            "We're designing next year's employer grants, likely $10,000 to $25,000 each. Past grants mostly paid "
            "youth wages. We keep hearing that wages aren't the hardest part to fund.\n\n"
            "If you had $15,000 that you could spend on anything that helps students finish your program, what "
            "would you buy?"),
        "replies": [
            ("monique.harris",
             "Emergency money with almost no paperwork. A $200 car repair keeps a student in the program; a "
             "three-week reimbursement process doesn't."),
            ("karen.lindqvist",
             "Supervisor time. Our best mentors are our busiest machinists. Paying for backfill so they can "
             "actually mentor would change everything."),
            ("victor.mendes",
             "Tutoring before the entrance test. Half the students we lose, we lose at the math test, before day one."),
            ("eleanor.voss",
             "This is really helpful. Karen, would backfill mean overtime for others, or a temp?", 1),
            ("karen.lindqvist", "Overtime for another machinist, usually four hours a week per mentor.", 3),
        ],
        "answer": 0,
    },
    {
        "title": "Anyone running job shadows for 8th graders? Too young?",
        "kind": "question", "category": "general", "author": "teresa.holm", "days_ago": 3,
        "body": (
            "Our middle schools are asking for career exposure in 8th grade. Most employers I've asked say 14 is "
            "too young for anything on site. Has anyone hosted 8th graders, even for a half day? What did you "
            "change?"),
        "replies": [],
    },
    # ------------------------------------------------------------------ budget and funding
    {
        "title": "How did you pick 1,000 hours as the hand-off point between budgets?",
        "kind": "question", "category": "budget-and-funding", "author": "marcus.bell", "days_ago": 88,
        "practice": "How we fund a youth apprenticeship out of two budgets",
        "body": (
            "We're trying to move our youth internship off the HR budget and this practice is the closest thing "
            "I've found. Why 1,000 hours? Was it tied to something measurable, or a number both sides could "
            "live with?"),
        "replies": [
            ("karen.lindqvist",
             "A bit of both. We looked at when apprentices start running parts that ship without a second operator "
             "checking every piece. For us that was between 900 and 1,100 hours. We picked 1,000 because it's easy "
             "to track in payroll and it's a milestone in the apprenticeship standards anyway."),
            ("tomas.delgado",
             "And it gives the production supervisors a date to plan around. Before that, they didn't count "
             "apprentices in their staffing at all.", 0),
            ("marcus.bell",
             "That makes sense. For a branch, the equivalent might be when interns can run a teller drawer "
             "unsupervised. Thanks, @Karen.Lindqvist."),
        ],
        "answer": 0, "helpful": {0: 4, 1: 2},
    },
    {
        "title": "Which business unit pays for transportation?",
        "kind": "question", "category": "budget-and-funding", "author": "jordan.reyes", "days_ago": 47,
        "body": (
            "Our interns are mostly community college students without cars. We want to pay for transit passes "
            "and the occasional ride share, about $9,000 a summer. HR says it's an operating cost; the business "
            "units say it's a recruiting cost. Who pays at your company?"),
        "replies": [
            ("keisha.morgan",
             "At Prairie Line the warehouse operations budget pays for bus passes, because the problem they solve "
             "is first-shift attendance. We framed it as cheaper than the overtime we pay when a picker doesn't show. "
             "Ride-share bridges come from HR's recruiting budget for the first two weeks only."),
            ("denise.carter",
             "We put it in the program budget, which is HR, but we charge it back to the hosting branch at the "
             "end of the year along with the intern wages."),
            ("travis.olsen",
             "Keisha's framing is what got our plant manager to agree. Show the attendance numbers before and "
             "after and nobody argues about whose budget it is.", 0),
            ("jordan.reyes", "Attendance numbers are the piece I was missing. Thank you both."),
        ],
        "answer": 0, "helpful": {0: 5, 2: 1},
    },
    {
        "title": "Does the state apprenticeship tax credit apply to apprentices under 18?",
        "kind": "question", "category": "budget-and-funding", "author": "lori.nguyen", "days_ago": 75,
        "practice": "Stacking the state apprenticeship tax credit with workforce funds for pipefitter apprentices",
        "body": (
            "We're about to register a youth welding apprenticeship. Our accountant thinks the state tax credit "
            "only counts apprentices who are 18 or older. Ray, is that what you found?"),
        "replies": [
            ("ray.dominguez",
             "No age limit in the credit itself. What matters is that the apprentice is registered with the state "
             "apprenticeship agency and that you keep the wage records. The catch for minors is the hazardous "
             "occupations rules, not the credit. We claimed it for two 17-year-olds last year."),
            ("dale.hutchins",
             "Keep the registration date and the first paycheck date close together. The auditor asked us about "
             "a gap of three weeks."),
            ("lori.nguyen", "That's a relief. Forwarding to our accountant now.", 0),
        ],
        "answer": 0, "helpful": {0: 3},
    },
    {
        "title": "Has anyone used WIOA youth funds for paid work experience in healthcare?",
        "kind": "question", "category": "budget-and-funding", "author": "grace.abernathy", "days_ago": 29,
        "body": (
            "The workforce board mentioned that WIOA youth funds can pay wages for work experience. We'd love to "
            "use that for summer resident-life aides, but the clearances in healthcare take weeks. Has anyone "
            "made this work in a clinical setting?"),
        "replies": [
            ("angela.whitehorse",
             "We did it in a diesel shop, not healthcare, but the mechanics are the same: the workforce board's "
             "contractor is the employer of record for the first 240 hours. Start the paperwork in March."),
            ("eli.rosen",
             "Pathways can act as the intermediary for healthcare placements. The clearances are the slow part; "
             "we start immunization records during enrollment, not after matching."),
            ("grace.abernathy", "Eli, can we talk about doing that for six aides this summer?", 1),
        ],
    },
    {
        "title": "Chargeback vs. central budget: what happened to intern headcount?",
        "kind": "discussion", "category": "budget-and-funding", "author": "samantha.okoye", "days_ago": 66,
        "practice": "Who pays the intern: moving from a central budget to a chargeback model",
        "body": (
            "Granite's move to a chargeback model is interesting. My worry is that when departments pay, they "
            "stop asking for interns. Did your numbers drop in the first year?"),
        "replies": [
            ("rebecca.sato",
             "They did, from 31 to 24. But the 24 were all in departments that had real projects ready, and our "
             "return offers went up. Year two we were back at 30."),
            ("chris.adeyemi",
             "From the claims side: once we paid for our interns, we planned their work much better. "
             "Nobody wanted to pay for someone to shadow a spreadsheet."),
            ("ana.ruiz", "That's the argument I needed for our VP. Headcount isn't the goal; offers are.", 0),
        ],
    },
    # ------------------------------------------------------------------ staffing
    {
        "title": "How do you staff it? Coordinator time per 10 students",
        "kind": "question", "category": "staffing", "author": "nicole.ferraro", "days_ago": 58,
        "body": (
            "We're going from 3 to 12 pre-apprentices next year and I have no idea how much coordinator time "
            "that takes. Right now it's me, on top of my actual job. What ratio do you use?"),
        "replies": [
            ("owen.park",
             "For our cloud internship we budgeted a half-time program lead for 16 interns, plus 2 hours a week "
             "from each engineering mentor. The half-time lead was the minimum; below that, check-ins slipped."),
            ("kevin.omalley",
             "In the hospital we found about 0.1 FTE per student during the placement, more during onboarding "
             "because of clearances."),
            ("priya.raman",
             "Across the network the median is about 0.4 FTE for 10 students, with a wide range. Construction and "
             "healthcare run higher because of safety and clearances. Happy to share the survey data."),
            ("nicole.ferraro", "Owen, did the program lead sit in HR or in engineering?", 0),
            ("owen.park", "Engineering. That's most of why it worked; the lead could pull mentors in.", 3),
        ],
        "answer": 2, "helpful": {2: 4, 0: 3},
    },
    {
        "title": "How is the shared coordinator's time split between companies?",
        "kind": "question", "category": "staffing", "author": "dale.hutchins", "days_ago": 41,
        "practice": "A shared work-based learning coordinator for small employers",
        "body": (
            "We're a small contractor and can't justify a coordinator of our own. How do you divide the shared "
            "coordinator's time fairly when one company has six students and another has one?"),
        "replies": [
            ("rafael.ortega",
             "Each company pays a base fee for onboarding and school paperwork, then a per-student fee. "
             "The coordinator keeps a simple weekly log by company, and we true up in June. Nobody has asked to "
             "see the log yet, but having it ended the fairness questions."),
            ("mike.brennan", "We're one of the one-student companies. The base fee was worth it for the paperwork alone."),
        ],
        "answer": 0,
    },
    {
        "title": "Who does the coordinator answer to for interns outside nursing?",
        "kind": "question", "category": "staffing", "author": "neha.kapoor", "days_ago": 70,
        "practice": "Moving our student programs coordinator from HR to nursing education",
        "body": (
            "If the coordinator moved into nursing education, who handles the students in pharmacy, imaging or "
            "the business office? We're much smaller, but we'd face the same question."),
        "replies": [
            ("kevin.omalley",
             "She still coordinates them. Each department has a named contact who owns the placement, and the "
             "coordinator runs onboarding, clearances and check-ins for all of them. The reporting line only "
             "changed whose budget she's on and who signs off on clinical placements."),
            ("latoya.jenkins",
             "We also set a rule: any department can host, but they send someone to the 90-minute supervisor "
             "session first.", 0),
        ],
        "answer": 0, "helpful": {0: 2},
    },
    # ------------------------------------------------------------------ program structure
    {
        "title": "Rolling starts: how do you keep related instruction from falling behind?",
        "kind": "question", "category": "program-structure", "author": "ray.dominguez", "days_ago": 55,
        "practice": "Cohort starts versus rolling starts for apprenticeship related instruction",
        "body": (
            "We hire apprentices whenever a job starts, not in September. Forge's practice says rolling starts "
            "can work. How do late starters catch up on related instruction without sitting alone in a class "
            "that's halfway through?"),
        "replies": [
            ("allison.tran",
             "We split the first-year curriculum into six-week modules that don't depend on each other, except "
             "safety and math, which run every month. A late starter joins the next module and loops back. "
             "It took a semester to rebuild, but attendance is better than in our old September-only model."),
            ("victor.mendes",
             "The trade-off is cohort bonding. We added a monthly Saturday shop day for all first-years so they "
             "still meet each other."),
            ("ray.dominguez", "Monthly safety and math is exactly what we need. Thank you, Allison.", 0),
        ],
        "answer": 0, "helpful": {0: 3, 1: 2},
    },
    {
        "title": "Summer-only or year-round internships for college students?",
        "kind": "question", "category": "program-structure", "author": "tasha.brooks", "days_ago": 18,
        "body": (
            "Our leadership is asking whether we should keep a few interns on part time during the school year. "
            "Did anyone try it? Did grades or retention suffer?"),
        "replies": [
            ("alex.kim",
             "From the engineering side: part-time interns are great for maintenance work, but they can't join "
             "on-call or sprint planning reliably. We'd need different projects for them."),
            ("fatima.haddad",
             "Ironwood kept three on at 12 hours a week. Two stayed; one dropped out of the internship in "
             "October because of a lab schedule. Set the hours with the student's course schedule in hand."),
            ("ana.ruiz", "We do co-op rotations instead: a full semester on, a semester in school.", 1),
        ],
    },
    {
        "title": "What did you cut when you scaled from 4 to 20 interns?",
        "kind": "discussion", "category": "program-structure", "author": "brian.kowalski", "days_ago": 81,
        "practice": "Starting with four interns before we scaled to twenty",
        "body": (
            "The pilot practice is great. Scaling is where we're stuck: things that worked with four interns "
            "(weekly lunch with the CTO, individual project pitches) don't work with twenty. What did you drop?"),
        "replies": [
            ("jordan.reyes",
             "We kept the CTO lunch but made it monthly and by team. We dropped individual pitches and moved to "
             "team demos at week five and week ten."),
            ("tasha.brooks",
             "We also stopped custom-matching every mentor. Mentors pick from three project briefs now; it took "
             "a week off my calendar.", 0),
        ],
    },
    # ------------------------------------------------------------------ internal buy-in
    {
        "title": "What did you tell branch managers about coverage while interns are on the floor?",
        "kind": "question", "category": "internal-buy-in", "author": "marcus.bell", "days_ago": 44,
        "practice": "Getting branch managers to host high-school interns",
        "body": (
            "My peers keep saying the same thing: an intern means one of our tellers is training instead of "
            "serving members. How did Keystone answer that? Did you give branches extra hours?"),
        "replies": [
            ("paul.whitaker",
             "We gave each hosting branch 6 extra staff hours a week for the first four weeks, paid centrally. "
             "After week four the interns covered enough routine work that branches stopped asking for them."),
            ("ingrid.solberg",
             "We also scheduled the interns' training blocks on Tuesday and Wednesday mornings, which are quiet in "
             "every branch. That alone took most of the heat out.", 0),
            ("denise.carter",
             "@Marcus.Bell, this is close to what I proposed for Riverside. Let's bring Paul's numbers to the "
             "next managers' meeting."),
            ("marcus.bell", "Will do. The Tuesday-Wednesday trick is easy to copy.", 2),
        ],
        "answer": 0, "helpful": {0: 3, 1: 3},
    },
    {
        "title": "How do you answer \u201cwe don't have time to train kids\u201d?",
        "kind": "question", "category": "internal-buy-in", "author": "derek.hollis", "days_ago": 26,
        "body": (
            "Our quality supervisors are stretched and say they don't have time for apprentices. They're not "
            "wrong. What actually changed minds at your place?"),
        "replies": [
            ("karen.lindqvist",
             "Honestly: time. We moved four hours a week of each mentor's routine work to someone else, and we "
             "said so in writing. Speeches about the future workforce changed nobody's mind."),
            ("luis.espinoza",
             "What worked on my jobsites: ask the supervisor to name the task they'd most like off their plate, "
             "and make that the student's first assignment. Then the student saves them time in week two."),
            ("mike.brennan", "Luis's approach works in a fab shop too. Deburring and cleanup, first week.", 1),
        ],
        "answer": 1, "helpful": {1: 4, 0: 2},
    },
    {
        "title": "Using turnover cost in the business case: how did finance check your numbers?",
        "kind": "discussion", "category": "internal-buy-in", "author": "samantha.okoye", "days_ago": 37,
        "practice": "Pitching a sterile processing apprenticeship to our CFO with our own turnover data",
        "body": (
            "Our CFO won't accept industry turnover estimates. Riverbend used its own data. Did finance "
            "recalculate it, or accept HR's numbers?"),
        "replies": [
            ("latoya.jenkins",
             "Finance recalculated it and came out 15% lower than we did, mostly because they excluded "
             "retirements. We used their number in the final deck. It still paid back in under two years, and "
             "now it's their number, so nobody argues."),
            ("gary.lindgren",
             "Same at Pioneer with the lineworker case. Let finance own the number even if it's smaller."),
        ],
    },
    {
        "title": "How do you keep superintendents engaged after the first site visit?",
        "kind": "question", "category": "internal-buy-in", "author": "travis.olsen", "days_ago": 12,
        "practice": "Winning over jobsite superintendents for student site visits and pre-apprentices",
        "body": (
            "Our terminal managers loved the first student visit and then stopped answering e-mails. "
            "Brightwater's practice talks about superintendents. What keeps them in after the novelty?"),
        "replies": [
            ("nicole.ferraro",
             "We put one pre-apprentice on each superintendent's crew for the whole summer, not just a visit. "
             "Once they had a person, not a program, they stayed engaged."),
            ("luis.espinoza", "And invite them to the end-of-summer cookout. Seriously.", 0),
        ],
    },
    # ------------------------------------------------------------------ target occupations
    {
        "title": "Where did you get retirement-eligibility data without HR pushback?",
        "kind": "question", "category": "target-occupations", "author": "angela.whitehorse", "days_ago": 90,
        "practice": "Choosing CNC machinist as our first apprenticeship from retirement data",
        "body": (
            "We want to do what Halvorsen did for diesel technicians, but HR is nervous about sharing ages. "
            "How did you get the data?"),
        "replies": [
            ("jada.freeman",
             "I'm the HR side of that practice. We never shared ages. HR produced counts by job family of people "
             "who would be eligible for retirement within five years, with no names and no group smaller than "
             "five. Legal signed off in a day."),
            ("karen.lindqvist",
             "And the counts were enough. Eleven of our 38 machinists were eligible within five years; nobody "
             "needed to see more.", 0),
        ],
        "answer": 0, "helpful": {0: 5},
    },
    {
        "title": "Is help desk still a good first rung with AI ticket triage coming?",
        "kind": "discussion", "category": "target-occupations", "author": "owen.park", "days_ago": 21,
        "body": (
            "Several of us built IT pathways around help-desk roles. Our own tier-one ticket volume dropped 30% "
            "this year after we added automated triage. Are we training students for a shrinking job?"),
        "replies": [
            ("imani.douglas",
             "We're keeping help desk as the entry track but changing what's inside it: more device management, "
             "identity and access, and writing clear knowledge-base articles."),
            ("nate.sorensen",
             "Employers in our track still hire for tier one, but they describe it as 'service desk analyst' and "
             "expect scripting basics."),
            ("brian.kowalski",
             "Our volume dropped too, but the remaining tickets are harder. That's an argument for better "
             "training, not for dropping the rung.", 0),
            ("fatima.haddad", "Agree with Brian. We hired two interns into tier one this spring.", 2),
        ],
    },
    {
        "title": "Did you weigh the pharmacy technician exam pass rate?",
        "kind": "question", "category": "target-occupations", "author": "hector.villalobos", "days_ago": 63,
        "practice": "Letting vacancy data choose between medical assistant and pharmacy technician",
        "body": (
            "We're choosing between two tracks as well. Vacancy data is one thing, but the pharmacy technician "
            "certification exam has a much lower first-attempt pass rate. Did that factor into your decision?"),
        "replies": [
            ("latoya.jenkins",
             "It did, and it pushed us further toward medical assistant. With the pass rate we saw locally, we'd "
             "have needed a tutoring budget we didn't have. We'll revisit pharmacy tech once the MA track is "
             "stable."),
        ],
        "answer": 0,
    },
    # ------------------------------------------------------------------ education and provider partnerships
    {
        "title": "How long did it take Eastfield to change a course for you?",
        "kind": "question", "category": "education-and-provider-partnerships", "author": "mike.brennan",
        "days_ago": 72,
        "body": (
            "We'd like the welding program to teach more pipe and less plate. How long does it take a community "
            "college to change a course? A semester? Two years?"),
        "replies": [
            ("sean.gallagher",
             "Content inside an existing course can change in a semester if the faculty agree; that's what we did "
             "for Meridian. A new course or credit change goes through curriculum committee and takes about a "
             "year."),
            ("yolanda.pierce",
             "Come with two or three other employers asking for the same change. It moves much faster when it's "
             "an industry request, not one company's.", 0),
            ("derek.hollis",
             "That's how we did the CNC changes: three employers, one letter, one meeting with faculty."),
        ],
        "answer": 0, "helpful": {0: 2, 1: 3},
    },
    {
        "title": "How does the dual-enrollment CNA class count toward graduation?",
        "kind": "question", "category": "education-and-provider-partnerships", "author": "neha.kapoor",
        "days_ago": 49,
        "practice": "Dual enrollment nursing assistant pre-apprenticeship with Lincoln Early College",
        "body": (
            "Parents ask us whether the CNA class takes the place of a required course or is an extra. "
            "What do you tell them?"),
        "replies": [
            ("carmen.ibarra",
             "At Lincoln it counts as a health science elective and as college credit. It doesn't replace a core "
             "course. Students take it in the spring of junior year, so it doesn't collide with senior "
             "requirements."),
            ("william.thompson", "We also send parents a one-page FAQ. I can share it.", 0),
            ("hector.villalobos", "William, please do. Our parents ask the same.", 1),
        ],
        "answer": 0,
    },
    {
        "title": "One front door worked for us too. What about the alternative high school?",
        "kind": "discussion", "category": "education-and-provider-partnerships", "author": "keisha.morgan",
        "days_ago": 31,
        "practice": "Making the career center the single front door for job shadows",
        "body": (
            "Sending every request through the career center cut our back-and-forth in half. But students at "
            "the alternative high school never seem to reach us. Anyone solved that?"),
        "replies": [
            ("david.osei",
             "That's on us. The alternative school doesn't have a career center staffer. Since January I go there "
             "every other Thursday and sign students up in person."),
            ("teresa.holm", "We're adding that school to the spring job shadow calendar as a block of its own.", 0),
        ],
    },
    # ------------------------------------------------------------------ student sourcing
    {
        "title": "How do you keep a take-home task from favoring students with free time?",
        "kind": "question", "category": "student-sourcing", "author": "rebecca.sato", "days_ago": 39,
        "practice": "Dropping the GPA cutoff and using a take-home task for software internships",
        "body": (
            "We like the idea of replacing the GPA cutoff with a task. But students who work 30 hours a week "
            "can't spend a weekend on it. How did you design around that?"),
        "replies": [
            ("alex.kim",
             "We cap it at 90 minutes and say so, and we score only what's asked. We also offer a live version: "
             "the same task on a call with an engineer, during business hours or evenings."),
            ("tasha.brooks", "About a third of applicants choose the live version now.", 0),
            ("jordan.reyes", "And we pay applicants who reach the final round $50 for their time."),
        ],
        "answer": 0, "helpful": {0: 4, 2: 2},
    },
    {
        "title": "Where do you find students who've never thought about the trades?",
        "kind": "question", "category": "student-sourcing", "author": "luis.espinoza", "days_ago": 23,
        "body": (
            "Our pre-apprenticeship gets the same kind of applicant every year: kids whose dad is in the trades. "
            "We want to reach students who've never considered construction. Where do you find them?"),
        "replies": [
            ("monique.harris",
             "Community organizations, not job boards. Pathways recruits through youth centers, churches and "
             "the summer jobs program, and we bring students to a paid first day so they can try it."),
            ("ray.dominguez",
             "We get half our pre-apprentices through Pathways now. One of the best, Jaylen Brooks from Eastfield "
             "High, had never held a wrench before May."),
            ("lori.nguyen",
             "Ask shop and art teachers to nominate students. Art students are often great welders.", 0),
        ],
        "answer": 0,
        "flag": {"reply": 1, "by": "david.osei", "reason": "private_information",
                 "note": "Names a student and his school. Could the name come out?"},
    },
    {
        "title": "We tried a bring-a-friend info night",
        "kind": "discussion", "category": "student-sourcing", "author": "jamal.wright", "days_ago": 57,
        "practice": "Reaching students who would never apply for a bank internship",
        "body": (
            "Following Harborview's practice, we held an info night where current interns brought a friend. "
            "Twenty-two students came; nine applied. Sharing in case anyone wants to try it."),
        "replies": [
            ("marcus.bell", "Nine of twenty-two is great. Did the friends apply to the same branch?"),
            ("jamal.wright", "Mostly, which was a problem. Next time we'll spread them across branches.", 0),
            ("denise.carter", "Food helps. We learned that the hard way."),
        ],
    },
    # ------------------------------------------------------------------ wrap-around supports
    {
        "title": "Rural version: no bus line. Anyone running vanpools?",
        "kind": "question", "category": "wraparound-supports-and-retention", "author": "hannah.yoder",
        "days_ago": 9,
        "practice": "Solving the first-shift commute with bus passes and a ride-share bridge",
        "body": (
            "Bus passes won't help us: the nearest bus stop is 18 miles from our yard. Has anyone run a vanpool "
            "or paid mileage for students who share rides?"),
        "replies": [
            ("travis.olsen",
             "Not a vanpool, but we pay mileage to a student driver who brings two others. Insurance asked for "
             "the driver's record and proof of coverage; that was all."),
            ("gary.lindgren", "Hannah, check with our fleet group about the retired pickup. Worth a conversation."),
        ],
    },
    {
        "title": "How do you decide who gets emergency fund money without making students prove hardship?",
        "kind": "question", "category": "wraparound-supports-and-retention", "author": "mike.brennan",
        "days_ago": 45,
        "practice": "A pooled emergency fund that small member companies can share",
        "body": (
            "We'd like to join the pooled fund. The part I'm unsure about: how do you decide who gets money "
            "without a form that makes a 17-year-old explain their family's finances?"),
        "replies": [
            ("priya.raman",
             "The rule is simple: any student in good standing can ask for up to $300 a year for anything that "
             "keeps them in the program, and the coordinator decides within 24 hours. No documentation. In two "
             "years the average request was $140 and we've never had a problem with abuse."),
            ("eleanor.voss", "That's the design we were happy to fund. Trust works better than paperwork here.", 0),
            ("monique.harris", "Our youth say the speed matters more than the amount."),
        ],
        "answer": 0, "helpful": {0: 5},
    },
    {
        "title": "Tools: do apprentices keep them if they leave?",
        "kind": "discussion", "category": "wraparound-supports-and-retention", "author": "tomas.delgado",
        "days_ago": 68,
        "practice": "Steel-toe boots and a staged tool allowance for first-year apprentices",
        "body": (
            "We're adding a tool allowance for CNC apprentices. The finance question is what happens when an "
            "apprentice leaves in month four. Do you claw back the tools?"),
        "replies": [
            ("nicole.ferraro",
             "No. That's why we stage it: $250 at start, $250 at six months, $500 at completion. If someone "
             "leaves early, the company lost $250, not $1,000."),
            ("ray.dominguez", "Clawbacks also cost more in HR time than the tools are worth."),
            ("dale.hutchins", "Agree. Boots are a gift; they leave with the person.", 0),
        ],
    },
    {
        "title": "Childcare for adult apprentices working night shifts?",
        "kind": "question", "category": "wraparound-supports-and-retention", "author": "kevin.omalley",
        "days_ago": 15,
        "practice": "Childcare help and a small emergency fund for medical assistant apprentices",
        "body": (
            "Most of our sterile processing apprentices are parents, and the openings are on nights. Childcare "
            "centers close at six. How did Summit help?"),
        "replies": [
            ("neha.kapoor",
             "We pay up to $75 a week toward a licensed home provider or a relative, reimbursed every two weeks. "
             "Centers weren't an option for evening hours for us either."),
            ("eleanor.voss",
             "The county's childcare assistance program has a faster track for apprentices. Worth asking."),
        ],
        "answer": 0,
    },
    # ------------------------------------------------------------------ supervision and mentoring
    {
        "title": "Could you share the agenda for the 90-minute supervisor training?",
        "kind": "question", "category": "supervision-and-mentoring", "author": "hector.villalobos",
        "days_ago": 53,
        "practice": "Supervisor training that fits in 90 minutes on a Tuesday",
        "body": "The practice describes the outcome but not the agenda. What's in the 90 minutes?",
        "replies": [
            ("karen.lindqvist",
             "Sure:\n\n1. 15 minutes: what the student's first week looks like, hour by hour\n2. 20 minutes: "
             "giving instructions to a 17-year-old (with role play)\n3. 20 minutes: the green-yellow-red task list "
             "and what they may not do\n4. 20 minutes: the weekly check-in, practised in pairs\n5. 15 minutes: "
             "who to call when something goes wrong\n\nThe role play is the part people remember."),
            ("tomas.delgado", "We hand out a one-page card at the end with the check-in questions.", 0),
            ("hector.villalobos", "This is exactly what I needed. Thank you both.", 1),
        ],
        "answer": 0, "helpful": {0: 6},
    },
    {
        "title": "Do you pay peer mentors as interns or as contractors?",
        "kind": "question", "category": "supervision-and-mentoring", "author": "chris.adeyemi", "days_ago": 35,
        "practice": "Paying last summer's interns to mentor this summer's cohort",
        "body": (
            "We'd like to bring back three of last summer's interns as peer mentors while they're in school. "
            "Legal asked whether they're employees or contractors."),
        "replies": [
            ("tasha.brooks",
             "Employees, part time, on the same payroll as interns. Our legal team said the work is directed and "
             "scheduled by us, so contractor status wouldn't hold up."),
            ("jordan.reyes", "It also keeps them covered by workers' comp and our code of conduct.", 0),
        ],
        "answer": 0, "helpful": {0: 2},
    },
    {
        "title": "We copied the 10-minute check-in for machinists: notes from week six",
        "kind": "discussion", "category": "supervision-and-mentoring", "author": "samantha.okoye", "days_ago": 19,
        "practice": "A 10-minute weekly check-in between lineworker apprentices and their journeyworker mentor",
        "body": (
            "Six weeks in with Pioneer's check-in format for our quality tech apprentices. What works: the same "
            "three questions every week. What doesn't: mentors skip it on overtime weeks. Any tips?"),
        "replies": [
            ("gary.lindgren",
             "We put it on the shift schedule as a named task. If it's on the board, it happens."),
            ("derek.hollis", "We're trying that next week.", 0),
            ("hannah.yoder", "We also let apprentices start the check-in. It happens more often when they own it."),
        ],
    },
    {
        "title": "How many apprentices can one journeyworker mentor?",
        "kind": "question", "category": "supervision-and-mentoring", "author": "ana.ruiz", "days_ago": 6,
        "body": (
            "Our standards say one-to-one on the floor, but our best mentors are asked to take two or three. "
            "Where do you draw the line before mentors burn out?"),
        "replies": [
            ("ray.dominguez",
             "One-to-one on the tools, always. For coaching and check-ins, two is our maximum, and only with a "
             "stipend."),
            ("tomas.delgado", "Same at Halvorsen. Three was a disaster for everyone involved.", 0),
        ],
    },
    # ------------------------------------------------------------------ competencies and assessment
    {
        "title": "How do you calibrate supervisors so \u201cproficient\u201d means the same thing?",
        "kind": "question", "category": "competencies-and-assessment", "author": "ingrid.solberg",
        "days_ago": 42,
        "practice": "A three-level rubric for professionalism that supervisors actually use",
        "body": (
            "We adopted a three-level professionalism rubric, but one branch rates everyone proficient and "
            "another rates nobody. How did Granite calibrate?"),
        "replies": [
            ("rebecca.sato",
             "Twice a year, supervisors rate the same three written scenarios on their own, then compare in a "
             "30-minute meeting. The disagreements are the training. After two rounds our spread narrowed a lot."),
            ("chris.adeyemi", "The scenarios are based on real (anonymized) intern situations, which helps.", 0),
        ],
        "answer": 0, "helpful": {0: 3},
    },
    {
        "title": "Adopted the shared toolkit: mapping it to a quality tech apprenticeship",
        "kind": "discussion", "category": "competencies-and-assessment", "author": "derek.hollis",
        "days_ago": 27,
        "practice": "Adopting a sister network's foundational competencies toolkit instead of writing our own",
        "body": (
            "We mapped the shared foundational competencies onto our quality technician apprenticeship. Eight of "
            "ten fit as they are. Digital literacy and problem solving needed quality-specific examples."),
        "replies": [
            ("priya.raman",
             "That matches what other members found. Would you add your examples to the toolkit? Others in "
             "manufacturing would use them."),
            ("allison.tran", "Forge would like to borrow the problem-solving examples for our pre-apprentices."),
        ],
    },
    # ------------------------------------------------------------------ policy and barriers
    {
        "title": "Can a 17-year-old ride along in a yard truck?",
        "kind": "question", "category": "policy-and-barriers", "author": "keisha.morgan", "days_ago": 48,
        "practice": "What high-school students can do in a freight terminal (and how we explain the limits)",
        "body": (
            "One of our drivers wants to show a student intern the yard from the passenger seat of a yard "
            "tractor. Is riding along allowed for a minor, or does it fall under the driving restrictions?"),
        "replies": [
            ("angela.whitehorse",
             "We treat it as not allowed. The hazardous occupations rules cover operating the vehicle, but our "
             "insurer also excluded minors as passengers in powered industrial vehicles. Check your policy before "
             "anything else. We use a walking tour along the marked lanes instead."),
            ("travis.olsen", "Same answer from our insurer. The walking tour with a radio is a hit anyway.", 0),
        ],
        "answer": 0, "helpful": {0: 3},
    },
    {
        "title": "Work permits for 16-year-olds: who signs, the school or the state?",
        "kind": "question", "category": "policy-and-barriers", "author": "jordan.reyes", "days_ago": 33,
        "practice": "Setting up payroll for 16-year-old summer hires without a month of delays",
        "body": (
            "We're hiring our first high-school interns. Payroll says they need a work permit. Who issues it, and "
            "how long does it take?"),
        "replies": [
            ("denise.carter",
             "In our state the school district issues it, based on a form the employer fills in. During the school "
             "year it takes a few days; in June it can take two weeks because the offices close. Send the forms "
             "in May."),
            ("teresa.holm", "Maple Valley's career center can issue permits in summer if you call ahead.", 0),
            ("david.osei", "Correct, and we'll batch them if you have several students.", 1),
        ],
        "answer": 0, "helpful": {0: 4},
    },
    {
        "title": "Does our workers' comp cover unpaid job shadows?",
        "kind": "question", "category": "policy-and-barriers", "author": "mike.brennan", "days_ago": 60,
        "practice": "Answering the insurance question before it stopped our construction pre-apprenticeship",
        "body": (
            "A school wants to send students for one-day job shadows in our shop. They won't be paid. Are they "
            "covered by our workers' comp, or do we need something else?"),
        "replies": [
            ("nicole.ferraro",
             "Usually not: workers' comp covers employees, and an unpaid visitor isn't one. For shadows we rely on "
             "our general liability policy plus the school's student accident coverage, and we confirm both in "
             "writing. Ask your broker for a one-paragraph letter; ours took a week."),
            ("lori.nguyen", "We also keep shadows out of the welding booths entirely. Observation only.", 0),
        ],
        "answer": 0, "helpful": {0: 4},
    },
    {
        "title": "Release time for juniors: do employers accept two-hour blocks?",
        "kind": "question", "category": "policy-and-barriers", "author": "william.thompson", "days_ago": 5,
        "body": (
            "Our new schedule could release juniors for two-hour afternoon blocks twice a week. Is that "
            "useful to employers, or is half a day the minimum that makes sense?"),
        "replies": [
            ("luis.espinoza",
             "On a jobsite two hours is mostly travel and safety gear. Half days work better for construction."),
            ("alex.kim", "For software, two hours is fine if it's the same two hours every week."),
        ],
    },
    # ------------------------------------------------------------------ measuring results
    {
        "title": "What costs did you include in apprentice cost per hire?",
        "kind": "question", "category": "measuring-results", "author": "gary.lindgren", "days_ago": 39,
        "practice": "Comparing cost per hire for apprentices against our external recruiting",
        "body": (
            "We want to compare apprentices with external hires, but I'm not sure what to count for apprentices. "
            "Wages during training? Mentor time? Related instruction?"),
        "replies": [
            ("dale.hutchins",
             "We count related instruction, mentor stipends, tools and the coordinator's time, minus the value of "
             "productive hours. We don't count apprentice wages for hours they're producing, since we'd pay "
             "anyone for that work. External hire cost is recruiter fees, signing bonus and the first-year "
             "turnover rate."),
            ("ray.dominguez",
             "The turnover rate is the big one. Our external hires left at three times the apprentice rate.", 0),
            ("gary.lindgren", "That's clear. Thank you, @Dale.Hutchins.", 0),
        ],
        "answer": 0, "helpful": {0: 3},
    },
    {
        "title": "Our CEO wants one number. Which one?",
        "kind": "discussion", "category": "measuring-results", "author": "karen.lindqvist", "days_ago": 14,
        "practice": "A one-page dashboard our executive sponsor actually reads",
        "body": (
            "Our new CEO asked for one number that says whether the apprenticeship is working. I have completion "
            "rate, retention, cost per hire and time to productivity. If you could only show one, which?"),
        "replies": [
            ("owen.park",
             "We lead with 12-month retention of program hires compared with other hires. It's the one that "
             "changes budget conversations."),
            ("samantha.okoye", "Retention for us as well, with cost per hire as the second line.", 0),
            ("priya.raman",
             "Whatever you pick, show the trend, not a single year. A small cohort makes one year noisy."),
        ],
    },
    {
        "title": "How do you reach interns who left after being hired, to ask why?",
        "kind": "question", "category": "measuring-results", "author": "derek.hollis", "days_ago": 2,
        "practice": "Following our diesel technician interns for 12 months after hire",
        "body": (
            "Exit interviews miss most of the people who leave in the first year. How did Prairie Line get "
            "former interns to tell you why they left?"),
        "replies": [
            ("keisha.morgan",
             "A text from the coordinator they knew, not from HR, three weeks after they left. About half answered."),
        ],
    },
]

# Members who follow categories, so the demo shows new-thread notifications.
CATEGORY_FOLLOWS = {
    "marcus.bell": ["internal-buy-in", "budget-and-funding"],
    "dana.whitfield": ["general", "introductions"],
    "tomas.delgado": ["supervision-and-mentoring"],
    "keisha.morgan": ["wraparound-supports-and-retention"],
}


def _pick(options: list, key: str, count: int) -> list:
    """`count` options chosen by a hash of `key`, the same ones on every run."""
    start = int(hashlib.sha256(key.encode()).hexdigest(), 16) % max(len(options), 1)
    return (options[start:] + options[:start])[:count]


def _backdate(thread, replies, days_ago: int) -> None:
    """Spread a thread's posts over the days after it started, as a real conversation would be."""
    from cop.extensions import utcnow

    now = utcnow()
    start = now - timedelta(days=days_ago, hours=days_ago % 7 + 2)
    thread.created_at = start
    step = timedelta(hours=max(1, min(30, days_ago * 24 // (len(replies) + 2))))
    for position, reply in enumerate(replies, start=1):
        reply.created_at = min(start + step * position + timedelta(minutes=17 * position), now - timedelta(minutes=5))
    thread.last_activity_at = max([thread.created_at] + [r.created_at for r in replies])
    if thread.answered_at:
        answer = next((r for r in replies if r.is_answer), None)
        thread.answered_at = min((answer.created_at if answer else start) + timedelta(hours=6), now)


def seed_discussions() -> dict[str, int]:
    """The demo threads above, with replies, answers, helpful marks, follows and one open flag; threads that
    already exist (by title) are left alone."""
    from cop.auth.models import MemberStatus, User
    from cop.discussions import services
    from cop.discussions.models import FlagReason, Thread, ThreadKind
    from cop.notifications.services import without_email
    from cop.practices.models import Practice

    created = {"threads": 0, "replies": 0}
    people = {u.email.split("@")[0]: u for u in db.session.scalars(
        sa.select(User).where(User.status == MemberStatus.active))}
    practices = {p.title: p for p in db.session.scalars(sa.select(Practice))}
    existing = set(db.session.scalars(sa.select(Thread.title)))
    facilitator = people.get("dana.whitfield")
    everyone = sorted(people)
    with without_email():
        for who, slugs in CATEGORY_FOLLOWS.items():
            for slug in slugs:
                if who in people:
                    services.follow(people[who], category=services.category_for(slug))
        with click.progressbar(THREADS, label="Discussions  ", show_pos=True) as bar:
            for data in bar:
                author = people.get(data["author"])
                if data["title"] in existing or author is None:
                    continue
                practice = practices.get(data.get("practice", ""))
                thread = services.create_thread(author, title=data["title"], body=data["body"],
                                                kind=ThreadKind(data["kind"]),
                                                category=services.category_for(data["category"]),
                                                practice=practice if practice is not None and practice.is_published
                                                else None)
                replies = []
                for item in data["replies"]:
                    who, body = item[0], item[1]
                    parent = replies[item[2]] if len(item) > 2 else None
                    replies.append(services.add_reply(thread, people[who], body, parent))
                if "answer" in data:
                    services.mark_answer(replies[data["answer"]], thread.author)
                for index, count in data.get("helpful", {}).items():
                    reply = replies[index]
                    readers = [people[k] for k in _pick(everyone, data["title"] + str(index), count + 2)
                               if people[k].id != reply.author_id][:count]
                    for reader in readers:
                        services.mark_helpful(reply, reader)
                if data.get("pinned") and facilitator is not None:
                    services.set_pinned(thread, facilitator, True)
                if "flag" in data:
                    flag = data["flag"]
                    services.flag_post(thread, replies[flag["reply"]], people[flag["by"]], FlagReason(flag["reason"]),
                                       flag.get("note", ""))
                db.session.flush()
                _backdate(thread, replies, data["days_ago"])
                created["threads"] += 1
                created["replies"] += len(replies)
    db.session.flush()
    return created
