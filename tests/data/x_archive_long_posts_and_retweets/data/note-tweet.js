window.YTD.note_tweet.part0 = [
  {
    "noteTweet" : {
      "noteTweetId" : "1898411017450889216",
      "updatedAt" : "2025-03-08T14:05:11.000Z",
      "lifecycle" : {
        "value" : "4",
        "name" : "Published",
        "originalValue" : "BA=="
      },
      "createdAt" : "2025-03-08T14:05:11.000Z",
      "core" : {
        "styletags" : [],
        "urls" : [
          {
            "fromIndex" : "466",
            "toIndex" : "489",
            "shortUrl" : "https://t.co/Nt8kQ2LmZp",
            "expandedUrl" : "https://docs.google.com/forms/d/e/1FAIpQLSdSummerCohort2025/viewform",
            "displayUrl" : "docs.google.com/forms/d/e/1FAI…"
          }
        ],
        "text" : "Thread-free version of my advice for M2s who want a derm research year &amp; a strong application:\n\n1. Pick one mentor, not five. Email them a short note with a question about their last paper.\n2. Ask for a small, finishable project first (a case report, a chart review), then a bigger one.\n3. Keep a shared doc of every draft and every deadline.\n4. Present at a regional meeting before you aim for the national one.\n\nOur sign-up form for the summer cohort is here: https://t.co/Nt8kQ2LmZp\nQuestions welcome, and @derm_mentor_net keeps a list of programs. #DermMentorship #MedTwitter",
        "mentions" : [
          {
            "fromIndex" : "513",
            "toIndex" : "529",
            "screenName" : "derm_mentor_net"
          }
        ],
        "cashtags" : [],
        "hashtags" : [
          {
            "fromIndex" : "556",
            "toIndex" : "571",
            "text" : "DermMentorship"
          },
          {
            "fromIndex" : "572",
            "toIndex" : "583",
            "text" : "MedTwitter"
          }
        ]
      }
    }
  },
  {
    "noteTweet" : {
      "noteTweetId" : "1899120455467430912",
      "updatedAt" : "2025-03-10T12:04:00.000Z",
      "lifecycle" : {
        "value" : "4",
        "name" : "Published",
        "originalValue" : "BA=="
      },
      "createdAt" : "2025-03-10T12:04:00.000Z",
      "core" : {
        "styletags" : [],
        "urls" : [],
        "text" : "Reminder for this week's journal club: we read the 2024 trial of early emollients &gt; placebo for atopic dermatitis prevention. Come with one question about the methods and one about what you would tell a parent in clinic tomorrow. Students lead the first 20 minutes; residents help with the stats; attendings stay quiet until the end, which is harder than it sounds. Slides and the paper are in the usual folder. Bring snacks if you can. #DermJC",
        "mentions" : [],
        "cashtags" : [],
        "hashtags" : [
          {
            "fromIndex" : "440",
            "toIndex" : "447",
            "text" : "DermJC"
          }
        ]
      }
    }
  },
  {
    "noteTweet" : {
      "noteTweetId" : "1890000000000000000",
      "updatedAt" : "2025-02-13T09:00:00.000Z",
      "lifecycle" : {
        "value" : "4",
        "name" : "Published",
        "originalValue" : "BA=="
      },
      "createdAt" : "2025-02-13T09:00:00.000Z",
      "core" : {
        "styletags" : [],
        "urls" : [],
        "text" : "A long post that was deleted afterwards, so only its note is left. A long post that was deleted afterwards, so only its note is left. A long post that was deleted afterwards, so only its note is left. A long post that was deleted afterwards, so only its note is left. A long post that was deleted afterwards, so only its note is left. A long post that was deleted afterwards, so only its note is left. ",
        "mentions" : [],
        "cashtags" : [],
        "hashtags" : []
      }
    }
  }
]
