"""Words and phrases of work-based learning, for generated practices that read (and search) like real ones.

Slots in braces are filled from the list of that name, recursively; `fill()` in bench/data.py does it.
Text avoids Markdown and HTML specials (`* _ # [ < > &`) so the builder can write body_html itself.
"""

OCCUPATION = [
    "CNC machinist", "pharmacy technician", "lineworker", "IT help desk analyst", "welder", "medical assistant",
    "diesel technician", "electrician", "HVAC technician", "certified nursing assistant", "bank teller",
    "claims processor", "logistics coordinator", "warehouse lead", "maintenance mechanic", "quality inspector",
    "industrial maintenance technician", "surgical technologist", "network support specialist", "software tester",
    "patient care technician", "dental assistant", "plumber", "carpenter", "millwright", "front desk associate",
    "line cook", "hotel operations associate", "customer service representative", "payroll clerk",
    "accounting assistant", "data analyst", "cybersecurity analyst", "automotive technician", "truck driver",
    "dispatcher", "water treatment operator", "utility locator", "permit technician", "paraeducator",
    "early childhood educator", "community health worker", "phlebotomist", "sterile processing technician",
    "production supervisor", "tool and die maker", "solar installer", "wind technician", "facilities technician",
]

PROGRAM = [
    "youth apprenticeship", "registered apprenticeship", "pre-apprenticeship", "summer internship",
    "paid internship", "job shadow day", "summer youth employment program", "capstone project",
    "work-based learning program", "earn-and-learn program", "career academy partnership", "co-op rotation",
    "school-year internship", "adult apprenticeship", "returnship", "bridge program",
]

STUDENTS = [
    "students", "apprentices", "interns", "juniors", "seniors", "young adults", "trainees", "participants",
    "high school students", "college students", "adult learners", "first-year apprentices", "summer interns",
]

PARTNER = [
    "community college", "high school", "school district", "career and technical education center",
    "workforce board", "training provider", "credential provider", "hybrid college", "youth-serving nonprofit",
    "union training center", "American Job Center", "intermediary", "chamber of commerce", "regional sector partnership",
]

PERSON = [
    "our plant manager", "the apprenticeship coordinator", "each supervisor", "the HR business partner",
    "our community college partner", "every mentor", "the workforce board", "the talent acquisition team",
    "our high school partner", "the program lead", "the CFO", "the safety manager", "our CEO",
    "the department manager", "the training director", "the career counselor", "the internship coordinator",
    "the union steward", "the school counselor", "our recruiter", "the operations director",
    "the lead mentor", "the finance team", "the legal team", "the payroll team", "the site manager",
    "the nurse manager", "the district's work-based learning coordinator", "the dean of workforce programs",
]

SUBJECT = [
    "We", "Our team", "{PERSON_CAP}", "{PERSON_CAP}", "Each cohort", "The first cohort", "Every {OCCUPATION} mentor",
    "Our {PARTNER} partner", "The steering group", "Two of our supervisors", "Our site leads",
    "The {PROGRAM} team", "Our {STUDENTS}",
]

PERSON_CAP = [
    "Our plant manager", "The apprenticeship coordinator", "Each supervisor", "The HR business partner",
    "Our community college partner", "Every mentor", "The workforce board", "The talent acquisition team",
    "Our high school partner", "The program lead", "The CFO", "The safety manager", "Our CEO",
    "The department manager", "The training director", "The internship coordinator", "The lead mentor",
    "The finance team", "The payroll team", "The site manager", "The nurse manager",
]

VERB = [
    "reviews", "tracks", "schedules", "funds", "signs off on", "plans", "recruits for", "checks in on",
    "documents", "approves", "budgets for", "pays for", "owns", "coordinates", "reports on", "adjusts",
    "rewrote", "piloted", "expanded", "simplified", "shared the cost of", "negotiated", "redesigned",
    "standardized", "measured", "dropped", "added", "moved", "combined", "started", "tested", "scaled up",
]

OBJECT = [
    "the weekly competency check-ins", "related technical instruction hours", "the wage progression schedule",
    "midpoint reviews", "transportation stipends", "on-the-job learning hours", "the rubric for professionalism",
    "safety orientation", "badge access and payroll for minors", "the mentor training", "the onboarding checklist",
    "the background check process", "the cost per hire", "tool and boot allowances", "the application window",
    "the interview day", "the supervisor-to-student ratio", "the business case", "the end-of-summer showcase",
    "the {OCCUPATION} pathway", "the {PROGRAM}", "the partnership with the {PARTNER}",
    "tuition reimbursement", "the offer letters", "the retention bonus", "the school schedule",
    "the work permits", "child labor paperwork", "liability insurance", "the workers' compensation question",
    "the competency sign-off sheet", "the final evaluation", "the exit survey", "the sponsor dashboard",
    "the recruitment flyers", "the information sessions", "the parent night", "the bus passes",
    "the mentor stipend", "the cohort calendar", "the rotation plan", "the job descriptions",
    "the skills inventory", "the hiring targets", "the vacancy data", "the retirement forecast",
    "the training plan", "the apprenticeship standards", "the journeyworker ratio", "the credential exam fees",
    "child care support", "the laptop loans", "the tutoring hours", "the emergency fund",
    "the coordinator's time", "the grant report", "the tax credit paperwork", "the reporting line",
    "the daily huddle", "the weekly reflection log", "the feedback conversations", "the shift schedule",
]

QUALIFIER = [
    "before the cohort starts", "every other Friday", "with the production schedule in mind",
    "so that students who do not self-select still apply", "during the first ninety days",
    "in the last two weeks of the school year", "after the first 1,000 hours", "at the midpoint",
    "with help from the {PARTNER}", "for every {OCCUPATION} position", "across both plants",
    "without adding headcount", "within the existing training budget", "in under a month",
    "each spring", "each fall", "in the second year", "at the end of each rotation",
    "with a one-page template", "in a shared spreadsheet", "in the HR system", "on paper at first",
    "together with the {PARTNER}", "for about $1,200 per student", "for less than we expected",
    "so supervisors are not surprised", "so the budget owner can approve it", "before anyone asked",
    "so the plant had a reason to care", "before school lets out", "by the third week",
    "for the {PROGRAM}", "for all {STUDENTS}", "once a quarter", "twice a month", "every Monday morning",
    "with the union's agreement", "after a rough first year", "in time for the next budget cycle",
]

OPENER = [
    "In the first cohort", "For our first two years", "When we started", "By the second summer",
    "After the pilot", "Looking back", "In hindsight", "At first", "Over time", "Last year",
    "This year", "In practice", "Since then", "Before the program", "During the pilot",
    "In our experience", "For most {STUDENTS}", "For the {OCCUPATION} role", "With a small cohort",
    "Once the {PARTNER} was on board", "When the budget was cut", "After two cohorts",
]

CLAUSE = [
    "{SUBJECT_LOWER} {VERB} {OBJECT} {QUALIFIER}",
    "we learned that {LESSON}",
    "{OUTCOME}",
    "{NUMBER} {STUDENTS} {FINISHED}",
    "{SUBJECT_LOWER} {VERB} {OBJECT}",
]

SUBJECT_LOWER = [
    "we", "our team", "{PERSON}", "{PERSON}", "each cohort", "the steering group", "our site leads",
    "the {PROGRAM} team", "our {PARTNER} partner", "two of our supervisors",
]

LESSON = [
    "supervisors need training before the first day, not after",
    "a named coordinator matters more than any policy",
    "students stay when someone checks in every week",
    "transportation is the barrier nobody mentions in the interview",
    "budget owners approve small, clear asks",
    "the plant manager has to see productive hours early",
    "parents want to know who supervises their child",
    "the rubric only works if supervisors use the same words",
    "a paid first week keeps students from dropping out",
    "the school calendar drives everything",
    "our job descriptions scared off good applicants",
    "credentials earned on the job are the strongest hook",
    "mentors burn out without time set aside",
    "the application should take ten minutes, not an hour",
    "{STUDENTS} rise to clear expectations",
    "the {PARTNER} knows which students need the opportunity most",
    "the {OCCUPATION} role needs a longer ramp-up than we planned",
    "background checks take three weeks, so we start early",
    "payroll for minors needs its own checklist",
    "a midpoint review catches problems while there is still time to fix them",
]

OUTCOME = [
    "retention in the first year went up noticeably",
    "our cost per hire dropped by about a third",
    "more supervisors volunteered to mentor the next cohort",
    "the plant stopped pulling apprentices off machines during rush orders",
    "the finance team now treats the program as a line of business",
    "two of the {PARTNER} instructors now visit the site every month",
    "the number of applicants doubled",
    "fewer {STUDENTS} dropped out in the first month",
    "the executive sponsor asked us to expand to a second site",
    "the {OCCUPATION} vacancies filled faster than through job boards",
    "supervisors reported fewer surprises at the final evaluation",
    "our offer acceptance rate went from about half to most",
    "the program paid for itself within two years",
    "we had a waiting list for the first time",
]

FINISHED = [
    "completed the program", "accepted full-time offers", "earned an industry credential",
    "returned for a second summer", "enrolled in the {PARTNER}'s next course", "stayed with us past a year",
    "moved into {OCCUPATION} roles", "finished their related instruction on time", "passed the final evaluation",
]

NUMBER = [
    "Nine of our twelve", "Most of our", "About half of our", "All but two of our", "Eighteen",
    "Six of the eight", "Forty", "Three out of four", "Every one of our", "Twenty-two", "Fourteen",
]

SENTENCE = [
    "{SUBJECT} {VERB} {OBJECT} {QUALIFIER}.",
    "{SUBJECT} {VERB} {OBJECT} {QUALIFIER}.",
    "{SUBJECT} {VERB} {OBJECT}.",
    "{OPENER}, {CLAUSE}.",
    "{OPENER}, {CLAUSE}.",
    "The biggest lesson was that {LESSON}.",
    "That meant {OUTCOME}.",
    "As a result, {OUTCOME}.",
    "{NUMBER} {STUDENTS} {FINISHED}.",
    "We now tell other employers that {LESSON}.",
    "It took longer than we hoped, but {OUTCOME}.",
    "If we did it again, {SUBJECT_LOWER} would handle {OBJECT} {QUALIFIER}.",
    "One {OCCUPATION} mentor put it simply: {LESSON}.",
    "The {PROGRAM} runs {QUALIFIER}, and {SUBJECT_LOWER} {VERB} {OBJECT}.",
]

LIST_ITEM = [
    "{OBJECT} {QUALIFIER}", "a named contact at the {PARTNER}", "{OBJECT}", "a checklist for {OBJECT}",
    "time for mentors to prepare", "a stipend for transportation", "a clear offer at the end",
    "a short reflection every Friday", "{LESSON}", "{OUTCOME}",
]

LIST_LEAD = [
    "Week 1:", "Week 2:", "Month 1:", "Month 3:", "Before day one:", "At the midpoint:", "At the end:",
    "Cost:", "Owner:", "Who pays:", "Tip:", "Watch out:", "What it takes:", "Result:",
]

HEADING = [
    "Why we started", "Why we changed", "How it works", "What it costs", "Who pays for what",
    "What we learned", "What we would do differently", "Results so far", "Tips for other employers",
    "The first cohort", "How we recruit", "How we support students", "How supervisors are prepared",
    "How we measure it", "Working with our partners", "Getting buy-in", "The schedule", "Paperwork and rules",
    "What students say", "Where it goes next", "The numbers", "Common questions", "The business case",
    "Scaling up", "Keeping students in the program",
]

TITLE = [
    "How we {TITLE_ACTION}", "How we {TITLE_ACTION}", "How we {TITLE_ACTION} for our {PROGRAM}",
    "A {PROGRAM} for {OCCUPATION_PLURAL}", "{TITLE_NOUN} for {OCCUPATION_PLURAL}",
    "What we learned from {TITLE_EXPERIENCE}", "Making {OBJECT} work {QUALIFIER}",
    "Our {PROGRAM}: {TITLE_NOUN_LOWER}", "{TITLE_NOUN} in a {PROGRAM}",
]

TITLE_ACTION = [
    "fund a youth apprenticeship out of two budgets", "staff the program with one coordinator",
    "recruit students who don't self-select", "prepare supervisors before day one",
    "keep interns through the summer", "sell the program to plant managers",
    "pick the occupations to target", "work with the {PARTNER}", "pay for transportation",
    "assess competencies at the midpoint", "run a four-student pilot", "handle payroll for minors",
    "measure what the program is worth", "turn interns into hires", "schedule around the school calendar",
    "train mentors in two hours", "write job descriptions students understand", "stack tax credits and grants",
    "share wages between HR and operations", "cut the application to one page",
    "run background checks on time", "set supervisor-to-student ratios", "scale from one site to three",
]

TITLE_NOUN = [
    "Weekly check-ins", "A midpoint review", "Transportation stipends", "A mentor playbook",
    "A two-budget model", "Rolling starts", "A paid first week", "Competency sign-offs",
    "A sponsor dashboard", "A parent night", "A rotation plan", "A skills inventory", "Cohort calendars",
]

TITLE_NOUN_LOWER = [
    "weekly check-ins", "a midpoint review", "transportation stipends", "a mentor playbook",
    "a two-budget model", "rolling starts", "a paid first week", "competency sign-offs", "what worked",
]

TITLE_EXPERIENCE = [
    "our first cohort", "a failed pilot", "three years of summer interns", "losing half our apprentices",
    "a budget cut", "partnering with the {PARTNER}", "our first {OCCUPATION} apprentices",
]

OCCUPATION_PLURAL = [
    "CNC machinists", "pharmacy technicians", "lineworkers", "IT help desk analysts", "welders",
    "medical assistants", "diesel technicians", "electricians", "HVAC technicians", "nursing assistants",
    "bank tellers", "claims processors", "logistics coordinators", "maintenance mechanics", "quality inspectors",
    "software testers", "dental assistants", "plumbers", "carpenters", "line cooks", "data analysts",
    "cybersecurity analysts", "automotive technicians", "truck drivers", "paraeducators", "phlebotomists",
]

SUMMARY = [
    "{SENTENCE} {SENTENCE}",
    "{SENTENCE} {SENTENCE} {SENTENCE}",
    "We {VERB} {OBJECT} {QUALIFIER}. {SENTENCE}",
]

TAGS = [
    "cost-sharing", "plant-manager", "cost-center", "cnc-machining", "wage-progression", "mentor-training",
    "transportation", "child-care", "stipends", "background-checks", "payroll", "minors", "work-permits",
    "liability", "insurance", "workers-compensation", "tax-credits", "grants", "wioa", "perkins",
    "apprenticeship-standards", "related-instruction", "journeyworker-ratio", "credentials", "rubrics",
    "midpoint-review", "final-evaluation", "exit-survey", "dashboards", "retention", "cost-per-hire",
    "offer-acceptance", "recruitment", "information-sessions", "parent-night", "school-calendar",
    "summer", "school-year", "rolling-starts", "cohorts", "pilots", "scaling", "executive-sponsor",
    "business-case", "budget-cycle", "hr", "operations", "finance", "union", "collective-bargaining",
    "onboarding", "safety", "ppe", "tools", "laptops", "tutoring", "check-ins", "reflection-logs",
    "feedback", "job-descriptions", "skills-inventory", "vacancy-data", "retirements", "succession",
    "healthcare", "manufacturing", "construction", "utilities", "banking", "insurance-industry", "it",
    "cybersecurity", "logistics", "hospitality", "retail", "public-sector", "education", "nonprofit",
    "community-college", "high-school", "school-district", "cte", "career-academy", "intermediary",
    "workforce-board", "american-job-center", "sector-partnership", "chamber", "nursing", "pharmacy",
    "dental", "welding", "electrical", "hvac", "plumbing", "carpentry", "automotive", "diesel", "trucking",
    "warehouse", "customer-service", "accounting", "data", "software", "help-desk", "culinary", "hotels",
    "early-childhood", "paraeducators", "community-health", "water", "energy", "solar", "wind",
    "second-chance", "opportunity-youth", "english-learners", "rural", "urban", "first-generation",
    "dual-enrollment", "earn-and-learn", "pre-apprenticeship", "youth-apprenticeship", "internships",
    "job-shadow", "capstone", "returnship", "co-op", "supervisor-ratios", "coordinator", "fte",
    "reporting-line", "steering-group", "mentors", "peer-mentors", "supervisors", "managers",
    "recognition", "graduation", "showcase", "portfolio", "soft-skills", "professionalism", "teamwork",
    "communication", "problem-solving", "digital-skills", "math", "reading", "attendance", "punctuality",
    "dress-code", "badges", "equipment", "uniforms", "boots", "bus-passes", "mileage", "remote-work",
    "hybrid", "night-shift", "weekend-shift", "overtime", "wages", "minimum-wage", "raises", "bonuses",
    "tuition", "reimbursement", "loans", "emergency-fund", "food", "housing", "mental-health",
    "accommodations", "disability", "veterans", "women-in-trades", "diversity", "equity", "inclusion",
]

FIRST_NAMES = [
    "Dana", "Marcus", "Priya", "Luis", "Keisha", "Tom", "Aisha", "Gary", "Mei", "Rosa", "Jamal", "Erin",
    "Tyrone", "Nadia", "Carlos", "Hannah", "Omar", "Beth", "Darnell", "Sofia", "Kevin", "Lena", "Andre",
    "Grace", "Miguel", "Tanya", "Ravi", "Julia", "Derek", "Imani", "Pete", "Alicia", "Hector", "Joy",
    "Victor", "Wendy", "Samir", "Claire", "Dmitri", "Fatima", "Gabe", "Holly", "Isaac", "Jess", "Kofi",
    "Laura", "Malik", "Nina", "Owen", "Paula", "Quinn", "Rick", "Sana", "Trevor", "Uma", "Vince", "Yolanda",
]

LAST_NAMES = [
    "Whitfield", "Bell", "Nair", "Ortega", "Johnson", "Halvorsen", "Rahman", "Kowalski", "Chen", "Alvarez",
    "Washington", "O'Brien", "Price", "Haddad", "Mendoza", "Fischer", "Abdi", "Larson", "Greene", "Rossi",
    "Tran", "Novak", "Jackson", "Kim", "Flores", "Brooks", "Patel", "Meyer", "Coleman", "Okafor", "Shaw",
    "Reyes", "Nguyen", "Schmidt", "Howard", "Ali", "Carter", "Lindqvist", "Murphy", "Santos", "Young",
    "Park", "Hughes", "Diaz", "Becker", "Foster", "Yilmaz", "Ward", "Castillo", "Sullivan", "Grant",
]

JOB_TITLES = [
    "HR Director", "Talent Acquisition Manager", "Apprenticeship Coordinator", "Plant Manager",
    "Training Manager", "Workforce Development Lead", "Internship Program Manager", "Operations Director",
    "Early Careers Lead", "Learning and Development Partner", "Nurse Educator", "Site Manager",
    "Career Pathways Director", "Work-Based Learning Coordinator", "Dean of Workforce Programs",
]

ORG_PLACES = [
    "Northbridge", "Harborview", "Maple Valley", "Eastfield", "Crestline", "Riverbend", "Summit", "Lakeshore",
    "Pinecrest", "Cedar Ridge", "Ironwood", "Bluewater", "Granite", "Prairie", "Redstone", "Silver Creek",
    "Oakmont", "Westgate", "Highland", "Brookside", "Fairhaven", "Stonebridge", "Willow Bend", "Kingsport",
    "Clearwater", "Elm Grove", "Falcon", "Greenway", "Hillcrest", "Lindenwood", "Meadowbrook", "Northstar",
]

ORG_NOUNS = {
    "member_company": [
        "Precision Machining", "Fabrication", "Health System", "Medical Center", "Energy", "Power and Light",
        "Credit Union", "Bank", "Logistics", "Freight", "Hotels", "Manufacturing", "Electric", "Foods",
        "Insurance", "Software", "Plastics", "Tool and Die", "Construction", "Mechanical", "Water Utility",
    ],
    "training_provider": ["Community College", "Technical College", "Training Center", "Skills Academy"],
    "education_partner": ["Unified School District", "High School", "Career Academy", "CTE Center"],
    "community_organization": ["Youth Works", "Opportunity Center", "Community Partners", "Workforce Alliance"],
    "sponsor": ["Community Foundation", "Workforce Fund", "Chamber Foundation"],
}

REGIONS = [
    "Northbridge Metro", "Maple Valley", "Lakeshore County", "Eastfield", "River Counties", "Summit Region",
    "Harbor District", "Prairie Counties",
]

# Discussions: questions members ask each other, and how replies open.

THREAD_TITLE = [
    "How do you handle {OBJECT} for {STUDENTS}?", "Who pays for {OBJECT}?",
    "Anyone running a {PROGRAM} for {OCCUPATION_PLURAL}?", "Looking for advice on {OBJECT}",
    "{TITLE_NOUN}: worth the effort?", "Tips for working with a {PARTNER}?", "How long before {OBJECT} pays off?",
    "What do you do about {OBJECT} {QUALIFIER}?", "Question about {OBJECT}", "Has anyone tried {TITLE_NOUN_LOWER}?",
    "Sharing our approach to {OBJECT}", "Lessons from our {PROGRAM}", "How many {STUDENTS} per mentor?",
    "Getting {PERSON} on board with the {PROGRAM}", "Template for {OBJECT}?", "Starting a {PROGRAM} this year",
    "What we changed after {TITLE_EXPERIENCE}", "Does your {PARTNER} handle {OBJECT}?",
]

INTRODUCTION_TITLE = [
    "Hello from {ORG}", "New here: {JOB} at {ORG}", "Introducing myself ({JOB}, {ORG})", "Hi all, {ORG} just joined",
]

QUESTION = [
    "We are starting a {PROGRAM} {QUALIFIER} and wonder how others handle {OBJECT}.",
    "How do you get {PERSON} to sign off on {OBJECT}?",
    "Our {PARTNER} partner asked us about {OBJECT}; what did you tell yours?",
    "Does anyone have a template for {OBJECT} they would share?",
    "Right now {SUBJECT_LOWER} {VERB} {OBJECT}, but it is not working for our {STUDENTS}.",
    "What would you do differently with {OBJECT} if you started over?",
    "Is it normal that {OBJECT} takes this long {QUALIFIER}?",
    "We have {NUMBER_LOWER} {STUDENTS} starting soon and no plan yet for {OBJECT}.",
]

NUMBER_LOWER = ["twelve", "eight", "twenty", "four", "thirty", "six", "fifteen", "forty"]

REPLY_OPENER = [
    "Thanks for raising this.", "We ran into the same thing.", "Good question.", "Same here.",
    "This is close to what we did.", "Adding to what others said:", "One thing that helped us:",
    "Happy to share what we learned.", "We tried this last year.", "Agree with the points above.",
    "Short answer: it depends on your partner.", "We went the other way.", "Following this thread.",
]
