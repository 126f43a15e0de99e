"""The foundational competency framework shared across the network: what each competency means, a three-level rubric, and how to assess it.

Six foundational competencies, each with a plain-language description, three rubric
levels (emerging, developing, proficient) written as observable behaviours, and
guidance for supervisors on when and how to assess. Text fields are Markdown.
Loaded into the database by `ensure_taxonomy()`; facilitators may edit it afterwards.
"""

COMPETENCIES = [
    {
        "slug": "communication",
        "name": "Communication",
        "description": (
            "Sharing information clearly and listening well, in person, on the phone and in writing. "
            "For an intern or apprentice this means understanding instructions, asking questions at "
            "the right time, keeping a supervisor informed and adjusting tone for coworkers, "
            "customers and clients."
        ),
        "emerging": (
            "- Follows spoken instructions but often needs them repeated or shown a second time\n"
            "- Asks for help only when prompted, or after a task has stalled\n"
            "- Writes short messages that leave out key details (what, when, who) or use casual texting style\n"
            "- Speaks briefly or not at all in meetings unless asked a direct question"
        ),
        "developing": (
            "- Repeats back or writes down instructions and asks a clarifying question when something is unclear\n"
            "- Gives a status update when asked, including what is done and what is left\n"
            "- Writes emails and messages with a clear subject, greeting and request, with occasional lapses in tone\n"
            "- Shares an idea or question in a team meeting when invited"
        ),
        "proficient": (
            "- Confirms understanding of multi-step instructions without prompting and flags conflicts early\n"
            "- Gives brief, unprompted updates and raises problems before deadlines are missed\n"
            "- Adjusts tone and detail to the audience (supervisor, peer, customer) in speech and writing\n"
            "- Contributes to meetings, listens without interrupting and summarizes others' points accurately"
        ),
        "assessment": (
            "**When:** baseline in week 2, check-in at the midpoint, final rating in the last week.\n\n"
            "**Evidence to collect:**\n\n"
            "- Dated notes on how the student takes instructions and gives updates\n"
            "- Two or three real work emails or messages (with permission, names removed)\n"
            "- A short reflection: *\"Describe a time this week when something wasn't clear. What did you do?\"*\n\n"
            "**Scenario:** hand over a three-step task in person, then ask the student to send you a written "
            "summary of the plan and a due date. Rate the accuracy and clarity of the summary.\n\n"
            "**Avoid rating errors:** a quiet student is not automatically a weak communicator, and a "
            "chatty one is not automatically strong. Rate what was said, written and asked, not "
            "personality or confidence. Check each rating against a specific, dated example."
        ),
    },
    {
        "slug": "professionalism",
        "name": "Professionalism",
        "description": (
            "Showing up reliably and acting in ways that build trust at work. For a young worker this "
            "covers attendance and punctuality, following workplace policies and safety rules, "
            "appropriate dress and phone use, and responding to feedback with a willingness to improve."
        ),
        "emerging": (
            "- Arrives late or misses shifts without notifying the supervisor in advance\n"
            "- Needs reminders about dress code, phone use or safety rules\n"
            "- Becomes defensive or shuts down when given corrective feedback\n"
            "- Leaves tasks unfinished at the end of a shift without telling anyone"
        ),
        "developing": (
            "- Arrives on time nearly every shift and notifies the supervisor before an absence or lateness\n"
            "- Follows dress code, phone and safety rules with occasional reminders\n"
            "- Accepts feedback politely and applies it when reminded\n"
            "- Completes assigned tasks, or says when something will not be finished"
        ),
        "proficient": (
            "- Is consistently on time, ready to work and follows call-out procedures without reminders\n"
            "- Follows workplace policies and safety practices without prompting, including when unsupervised\n"
            "- Asks for feedback and shows visible change in later work\n"
            "- Takes ownership of mistakes, reports them promptly and proposes how to fix them"
        ),
        "assessment": (
            "**When:** week 2 baseline (mostly attendance and onboarding behaviour), midpoint, and "
            "final review.\n\n"
            "**Evidence to collect:**\n\n"
            "- Attendance and punctuality records from timesheets, not memory\n"
            "- Notes on how the student responded to at least one piece of corrective feedback\n"
            "- A reflection prompt: *\"What feedback have you received here, and what did you change because of it?\"*\n\n"
            "**Scenario:** ask what the student would do if they were running 20 minutes late, or if "
            "they saw a coworker skipping a safety step.\n\n"
            "**Avoid rating errors:** do not let one bad day or one great day set the whole rating "
            "(recency and halo effects). Judge conduct against your written policies rather than "
            "personal style, appearance or background. If barriers like transportation or caregiving "
            "are affecting attendance, note them and look for support before rating."
        ),
    },
    {
        "slug": "teamwork",
        "name": "Teamwork",
        "description": (
            "Working with others toward a shared goal. At a worksite this means doing your share, "
            "respecting coworkers with different backgrounds, roles and ages, handling disagreement "
            "constructively and helping the team succeed, not just yourself."
        ),
        "emerging": (
            "- Works mainly alone and waits to be told how their part fits the group's work\n"
            "- Completes their own share only with reminders from teammates or the supervisor\n"
            "- Avoids disagreement, or responds to it by withdrawing or complaining to others\n"
            "- Rarely acknowledges or builds on coworkers' contributions"
        ),
        "developing": (
            "- Knows their role on the team and completes their share on time most of the time\n"
            "- Offers help to a teammate when asked\n"
            "- States a different opinion respectfully when asked for input\n"
            "- Treats coworkers courteously across roles and ages"
        ),
        "proficient": (
            "- Completes their share on time and checks how it connects to others' work\n"
            "- Notices when a teammate is stuck or overloaded and offers help without being asked\n"
            "- Raises disagreements directly and calmly and works toward a solution the group can accept\n"
            "- Gives credit to others and includes quieter team members in discussion"
        ),
        "assessment": (
            "**When:** once the student has done at least one shared task (usually week 2 or 3), "
            "again at the midpoint, and at the final review.\n\n"
            "**Evidence to collect:**\n\n"
            "- Your own observations of group work, plus short input from one or two coworkers who work with the student directly\n"
            "- The student's account of their role in a team project\n"
            "- A reflection prompt: *\"Tell me about a time your team disagreed. What did you do, and what happened?\"*\n\n"
            "**Scenario:** pair the student with a coworker on a task with a tight deadline and "
            "observe how they divide work and handle a change in plans.\n\n"
            "**Avoid rating errors:** being well liked is not the same as being a good teammate. "
            "Rate reliability, help given and how conflict was handled. Ask coworkers for examples, "
            "not impressions."
        ),
    },
    {
        "slug": "problem-solving",
        "name": "Problem solving",
        "description": (
            "Noticing when something is not working, figuring out why and trying reasonable fixes. "
            "For an intern or apprentice this means gathering information before acting, knowing "
            "which decisions are theirs to make and when to escalate, and learning from what worked."
        ),
        "emerging": (
            "- Stops work when a problem comes up and waits for someone to notice\n"
            "- Describes problems vaguely (\"it's broken\") without saying what was tried or observed\n"
            "- Repeats the same approach even when it is not working\n"
            "- Brings every question to the supervisor, including ones the job aids already answer"
        ),
        "developing": (
            "- Describes the problem specifically, including what happened and when\n"
            "- Checks available resources (manual, checklist, coworker) before asking the supervisor\n"
            "- Suggests one possible fix when asked what they think should happen\n"
            "- Follows through on an agreed fix and reports whether it worked"
        ),
        "proficient": (
            "- Identifies a likely cause by gathering information before acting\n"
            "- Proposes two or more options with their trade-offs when bringing a problem to the supervisor\n"
            "- Resolves routine problems within their authority and escalates the rest promptly\n"
            "- Suggests a way to keep a recurring problem from happening again"
        ),
        "assessment": (
            "**When:** midpoint and final review are the main ratings. A week 2 baseline is useful "
            "but often thin, so mark it \"not yet observed\" rather than guessing.\n\n"
            "**Evidence to collect:**\n\n"
            "- Notes on two or three real problems: what the student noticed, tried and reported\n"
            "- A work sample such as a troubleshooting log, revised process or fixed error\n"
            "- A reflection prompt: *\"Walk me through a problem you ran into. How did you figure out what to do?\"*\n\n"
            "**Scenario:** \"A customer says their order is wrong and the system shows it was "
            "correct. What do you do first, and when would you get a supervisor?\"\n\n"
            "**Avoid rating errors:** rate the process, not just whether the problem got solved. A "
            "well-reasoned attempt that fails can show more skill than a lucky fix. Don't penalize "
            "a student for escalating something they should escalate."
        ),
    },
    {
        "slug": "digital-literacy",
        "name": "Digital literacy",
        "description": (
            "Using the workplace's technology safely and effectively to get work done. For a young "
            "worker this means learning new software and devices, finding and checking information, "
            "organizing files and following rules on data privacy, security and appropriate use."
        ),
        "emerging": (
            "- Uses familiar apps but needs step-by-step help with workplace software such as the scheduling, point-of-sale or shared-drive system\n"
            "- Saves files in random locations or under unclear names, so others cannot find them\n"
            "- Uses the first search result without checking where it came from\n"
            "- Needs reminders about password, privacy or acceptable-use rules"
        ),
        "developing": (
            "- Completes routine tasks in workplace software after being shown once or twice\n"
            "- Saves work in the right shared location using the team's naming conventions\n"
            "- Checks information against a second source or asks when it looks questionable\n"
            "- Follows password, privacy and acceptable-use rules consistently"
        ),
        "proficient": (
            "- Learns new features or tools independently using help articles, tutorials or built-in guides\n"
            "- Organizes and shares files so coworkers can find and edit them without asking\n"
            "- Chooses the right tool for the task (spreadsheet vs. document, chat vs. email) and explains why\n"
            "- Spots and reports suspicious emails, links or data-handling risks"
        ),
        "assessment": (
            "**When:** week 2 baseline after systems onboarding, midpoint, and final review.\n\n"
            "**Evidence to collect:**\n\n"
            "- Work samples such as a spreadsheet, document, data entry or shared folder the student maintains\n"
            "- Observations of how the student learns a tool they have not used before\n"
            "- A reflection prompt: *\"What is one tool you learned here? How did you figure it out?\"*\n\n"
            "**Scenario:** ask the student to build a simple tracker for a real task using the tool "
            "your team uses, then share it with a coworker. Or show a sample phishing email and ask "
            "what they would do.\n\n"
            "**Avoid rating errors:** comfort with phones and social media is not the same as "
            "workplace digital skill, so don't assume a young person is proficient. Don't penalize "
            "students who had little access to technology before; rate what they can do now."
        ),
    },
    {
        "slug": "career-awareness-and-planning",
        "name": "Career awareness and planning",
        "description": (
            "Understanding the industry and the jobs in it, and using the work experience to make "
            "informed next steps. For a student this means learning how people got their roles, "
            "connecting their own strengths and interests to career pathways and setting concrete "
            "goals for education, training or employment."
        ),
        "emerging": (
            "- Describes their own role but not how it connects to the rest of the organization\n"
            "- Names few or no job titles in the industry beyond the ones they see daily\n"
            "- Gives general goals (\"get a good job\") with no next step\n"
            "- Has not yet spoken with anyone at the worksite about their career path"
        ),
        "developing": (
            "- Explains how their work supports the team's or organization's goals\n"
            "- Names three or more roles in the industry and the training or credentials each typically requires\n"
            "- Completes an informational conversation with a coworker when it is arranged for them\n"
            "- States a goal with one realistic next step, such as a course, certificate or application"
        ),
        "proficient": (
            "- Describes several pathways into the field, including apprenticeship, certificate and degree routes\n"
            "- Requests informational conversations or job shadows on their own initiative\n"
            "- Links specific skills gained in this placement to their goals and records them on a résumé or portfolio\n"
            "- Has a written plan with dated next steps and at least one professional reference or contact"
        ),
        "assessment": (
            "**When:** week 2 baseline (an interview about interests and goals), midpoint, and final "
            "review, ideally with an exit conversation.\n\n"
            "**Evidence to collect:**\n\n"
            "- The student's goal statement or career plan at the start and the end\n"
            "- Notes from informational conversations or job shadows\n"
            "- An updated résumé entry describing this placement\n"
            "- A reflection prompt: *\"What job here would you want in five years? What would it take to get there?\"*\n\n"
            "**Avoid rating errors:** rate how well informed and concrete the plan is, not whether "
            "the student wants to stay in your industry. Deciding a field is not for them is a "
            "valid, useful outcome. Don't reward confident talk over a specific, realistic plan."
        ),
    },
]
