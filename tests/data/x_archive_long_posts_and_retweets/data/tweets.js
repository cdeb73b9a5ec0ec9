window.YTD.tweets.part0 = [
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1898411021443297280"
          ],
          "editableUntil" : "2025-03-08T15:05:12.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "323"
      ],
      "favorite_count" : "61",
      "id_str" : "1898411021443297280",
      "truncated" : false,
      "retweet_count" : "14",
      "id" : "1898411021443297280",
      "created_at" : "Sat Mar 08 14:05:12 +0000 2025",
      "favorited" : false,
      "full_text" : "Thread-free version of my advice for M2s who want a derm research year &amp; a strong application:\n\n1. Pick one mentor, not five. Email them a short note with a question about their last paper.\n2. Ask for a small, finishable project first (a case report, a chart review), then a bigger one.\n3. Keep a shared doc of every dr",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1898411139718582417"
          ],
          "editableUntil" : "2025-03-08T15:05:40.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "47"
      ],
      "favorite_count" : "3",
      "id_str" : "1898411139718582417",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1898411139718582417",
      "created_at" : "Sat Mar 08 14:05:40 +0000 2025",
      "favorited" : false,
      "full_text" : "Thread-free version: yes, on purpose this time.",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1899120458873225516"
          ],
          "editableUntil" : "2025-03-10T13:04:01.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "269"
      ],
      "favorite_count" : "22",
      "id_str" : "1899120458873225516",
      "truncated" : false,
      "retweet_count" : "4",
      "id" : "1899120458873225516",
      "created_at" : "Mon Mar 10 12:04:01 +0000 2025",
      "favorited" : false,
      "full_text" : "Reminder for this week's journal club: we read the 2024 trial of early emollients &gt; placebo for atopic dermatitis prevention. Come with one question about the methods and one about what you would tell a parent in clinic tomorrow. Students lead the first 20 minutes;…",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1898760332207218883"
          ],
          "editableUntil" : "2025-03-09T14:13:08.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [
          {
            "text" : "DermTwitter",
            "indices" : [
              "98",
              "110"
            ]
          }
        ],
        "symbols" : [],
        "user_mentions" : [
          {
            "name" : "Derm Residents Network",
            "screen_name" : "derm_residents_net",
            "indices" : [
              "3",
              "22"
            ],
            "id_str" : "1200000000000000101",
            "id" : "1200000000000000101"
          }
        ],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "110"
      ],
      "favorite_count" : "0",
      "id_str" : "1898760332207218883",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1898760332207218883",
      "created_at" : "Sun Mar 09 13:13:08 +0000 2025",
      "favorited" : false,
      "full_text" : "RT @derm_residents_net: Applications for the spring shadowing week close on Friday. Share widely! #DermTwitter",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1898790018829123712"
          ],
          "editableUntil" : "2025-03-09T16:11:06.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [
          {
            "name" : "Skin Research Club",
            "screen_name" : "skin_research_club",
            "indices" : [
              "3",
              "22"
            ],
            "id_str" : "1200000000000000202",
            "id" : "1200000000000000202"
          }
        ],
        "urls" : [
          {
            "url" : "https://t.co/Rw0pEn5hQa",
            "expanded_url" : "https://twitter.com/i/web/status/1898789101455114240",
            "display_url" : "twitter.com/i/web/status/1…",
            "indices" : [
              "112",
              "135"
            ]
          }
        ]
      },
      "display_text_range" : [
        "0",
        "135"
      ],
      "favorite_count" : "0",
      "id_str" : "1898790018829123712",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "1898790018829123712",
      "created_at" : "Sun Mar 09 15:11:06 +0000 2025",
      "favorited" : false,
      "full_text" : "RT @skin_research_club: We are looking for two students to help with a chart review on pediatric eczema flares… https://t.co/Rw0pEn5hQa",
      "lang" : "en"
    }
  },
  {
    "tweet" : {
      "retweeted" : true,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [
          {
            "name" : "Derm Residents Network",
            "screen_name" : "derm_residents_net",
            "indices" : [
              "3",
              "22"
            ],
            "id_str" : "1200000000000000101",
            "id" : "1200000000000000101"
          }
        ],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "99"
      ],
      "favorite_count" : "0",
      "id_str" : "1051123456789012480",
      "truncated" : false,
      "retweet_count" : "5",
      "id" : "1051123456789012480",
      "created_at" : "Fri Oct 12 16:20:00 +0000 2018",
      "favorited" : false,
      "full_text" : "RT @derm_residents_net: Our mentorship match opens today: students, tell us what you want to learn.",
      "lang" : "en",
      "retweeted_status" : {
        "id_str" : "1051120000000000000",
        "created_at" : "Fri Oct 12 15:58:31 +0000 2018",
        "full_text" : "Our mentorship match opens today: students, tell us what you want to learn.",
        "entities" : {
          "hashtags" : [],
          "symbols" : [],
          "user_mentions" : [],
          "urls" : []
        },
        "favorite_count" : 40,
        "retweet_count" : 5,
        "lang" : "en",
        "user" : {
          "id_str" : "1200000000000000101",
          "screen_name" : "derm_residents_net",
          "name" : "Derm Residents Network",
          "description" : "Residents helping students find their way into dermatology.",
          "followers_count" : 5230
        }
      }
    }
  },
  {
    "tweet" : {
      "edit_info" : {
        "initial" : {
          "editTweetIds" : [
            "1899201755006287904"
          ],
          "editableUntil" : "2025-03-10T18:27:03.000Z",
          "editsRemaining" : "5",
          "isEditEligible" : true
        }
      },
      "retweeted" : false,
      "source" : "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities" : {
        "hashtags" : [],
        "symbols" : [],
        "user_mentions" : [],
        "urls" : []
      },
      "display_text_range" : [
        "0",
        "74"
      ],
      "favorite_count" : "5",
      "id_str" : "1899201755006287904",
      "truncated" : false,
      "retweet_count" : "1",
      "id" : "1899201755006287904",
      "created_at" : "Mon Mar 10 17:27:03 +0000 2025",
      "favorited" : false,
      "full_text" : "Please no more RT @ requests for the form, just share the link. Thank you!",
      "lang" : "en"
    }
  }
]
