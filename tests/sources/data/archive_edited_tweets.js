window.YTD.tweets.part0 = [
  {
    "tweet": {
      "edit_info": {
        "edit": {
          "initialTweetId": "1902000000000000001",
          "editControlInitial": {
            "editTweetIds": [
              "1902000000000000001",
              "1902000000000000002"
            ],
            "editableUntil": "2025-03-08T18:30:00.000Z",
            "editsRemaining": "4",
            "isEditEligible": true
          }
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "72"
      ],
      "favorite_count": "3",
      "id_str": "1902000000000000002",
      "truncated": false,
      "retweet_count": "0",
      "id": "1902000000000000002",
      "created_at": "Sat Mar 08 18:05:00 +0000 2025",
      "favorited": false,
      "full_text": "Journal club tonight at 7 pm: melanoma staging update. Zoom link in bio.",
      "lang": "en"
    }
  },
  {
    "tweet": {
      "edit_info": {
        "initial": {
          "editTweetIds": [
            "1902000000000000001",
            "1902000000000000002"
          ],
          "editableUntil": "2025-03-08T18:30:00.000Z",
          "editsRemaining": "4",
          "isEditEligible": true
        }
      },
      "retweeted": false,
      "source": "<a href=\"https://mobile.twitter.com\" rel=\"nofollow\">Twitter Web App</a>",
      "entities": {
        "hashtags": [],
        "symbols": [],
        "user_mentions": [],
        "urls": []
      },
      "display_text_range": [
        "0",
        "72"
      ],
      "favorite_count": "3",
      "id_str": "1902000000000000001",
      "truncated": false,
      "retweet_count": "0",
      "id": "1902000000000000001",
      "created_at": "Sat Mar 08 18:00:00 +0000 2025",
      "favorited": false,
      "full_text": "Journal club tonight at 8 pm: melanoma staging update. Zoom link in bio.",
      "lang": "en"
    }
  }
]
